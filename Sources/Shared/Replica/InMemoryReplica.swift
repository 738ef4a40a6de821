/// A whole replica held in memory: the in-memory side of ``ReplicaEngine``, with its records, its
/// counter and clock, the operations it holds until their causes arrive, and its outbox.
///
/// The laptops run the same engine over SQLite; this side is what the convergence property tests,
/// the merge benchmark, `sync-server merge-demo` and the server tests' simulated agents drive, so
/// what they prove and measure is the laptops' merge. Nothing in it can fail.
public struct InMemoryReplica: Sendable {
    public let replica: ReplicaID
    public private(set) var records: [RecordKey: RecordState] = [:]
    /// Operations received before the operations they depend on, by record.
    public private(set) var waiting: [RecordKey: [SyncOperation]] = [:]
    /// Operations authored here, oldest first; nothing acknowledges them in memory, so a replayed
    /// snapshot replays them all (those the snapshot has skip as duplicates).
    public private(set) var queued: [SyncOperation] = []
    public private(set) var counter: UInt64 = 0
    public var clock: HybridLogicalClock

    public init(replica: ReplicaID, maxDriftMilliseconds: UInt64 = HybridLogicalClock.defaultMaxDriftMilliseconds) {
        self.replica = replica
        clock = HybridLogicalClock(maxDriftMilliseconds: maxDriftMilliseconds)
    }

    /// Authors an operation on `record` at physical time `now`, applies it, and returns it for sending.
    public mutating func write(_ payload: SyncOperation.Payload, to record: RecordKey, now: UInt64) -> SyncOperation {
        ReplicaEngine.author([payload], on: record, now: now, in: &self)[0]
    }

    /// Merges an operation from anywhere, in any order, any number of times.
    ///
    /// An operation whose causes have not arrived waits and is applied as soon as they have.
    ///
    /// - Returns: how many operations were applied (this one and those it released).
    @discardableResult
    public mutating func receive(_ operation: SyncOperation) -> Int {
        ReplicaEngine.receive(operation, in: &self)
    }

    /// Takes a record from a snapshot as it stands, with the clock moved past everything it holds.
    public mutating func install(_ record: RecordState) {
        ReplicaEngine.install(record, in: &self)
    }

    /// A resync: the records become the snapshot's, and the outbox is replayed on top.
    ///
    /// - Returns: how many local operations were applied again.
    @discardableResult
    public mutating func installSnapshot(_ snapshot: [RecordState]) -> Int {
        records = [:]
        for record in snapshot { install(record) }
        return ReplicaEngine.replayOutbox(in: &self)
    }

    /// Every record in key order, the form compared byte for byte across replicas.
    public var canonicalRecords: [RecordState] {
        records.keys.sorted().map { records[$0]! }
    }
}

extension InMemoryReplica: ReplicaStore {
    public typealias Failure = Never

    public mutating func nextCounter() -> UInt64 {
        counter += 1
        return counter
    }

    public mutating func takeRecord(_ key: RecordKey) -> RecordState? { records.removeValue(forKey: key) }

    public mutating func putRecord(_ record: RecordState, changed: Bool) {
        records[record.key] = record.clock.isEmpty ? nil : record
    }

    public mutating func heldOperations(for key: RecordKey) -> [SyncOperation] { waiting[key] ?? [] }

    public mutating func hold(_ operation: SyncOperation) {
        if !waiting[operation.record, default: []].contains(operation) {
            waiting[operation.record, default: []].append(operation)
        }
    }

    public mutating func unhold(_ operation: SyncOperation) {
        let key = operation.record
        waiting[key]?.removeAll { $0 == operation }
        if waiting[key]?.isEmpty == true { waiting[key] = nil }
    }

    public mutating func unholdAll() { waiting = [:] }

    public mutating func queue(_ operation: SyncOperation) { queued.append(operation) }

    public mutating func outbox() -> [SyncOperation] { queued }
}
