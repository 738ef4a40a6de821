/// A whole replica held in memory: its records, its own clock, and operations waiting for their causes.
///
/// The server and the agent keep records in SQLite and call ``RecordState`` directly; this type is
/// the reference replica that the convergence property tests and the merge benchmark drive.
public struct InMemoryReplica: Sendable {
    public let replica: ReplicaID
    public private(set) var records: [RecordKey: RecordState] = [:]
    /// Operations received before the operations they depend on, by record.
    public private(set) var waiting: [RecordKey: [SyncOperation]] = [:]
    public private(set) var counter: UInt64 = 0
    public private(set) var clock: HybridLogicalClock

    public init(replica: ReplicaID, maxDriftMilliseconds: UInt64 = HybridLogicalClock.defaultMaxDriftMilliseconds) {
        self.replica = replica
        clock = HybridLogicalClock(maxDriftMilliseconds: maxDriftMilliseconds)
    }

    /// Authors an operation on `record` at physical time `now`, applies it, and returns it for sending.
    public mutating func write(_ payload: SyncOperation.Payload, to record: RecordKey, now: UInt64) -> SyncOperation {
        counter += 1
        let operation = SyncOperation(
            dot: Dot(replica: replica, counter: counter),
            context: records[record]?.clock ?? VersionVector(),
            hlc: clock.tick(now: now),
            type: record.type,
            id: record.id,
            payload: payload
        )
        receive(operation)
        return operation
    }

    /// Merges an operation from anywhere, in any order, any number of times.
    ///
    /// An operation whose causes have not arrived waits and is applied as soon as they have.
    public mutating func receive(_ operation: SyncOperation) {
        clock.advance(past: operation.hlc)
        let key = operation.record
        // Taken out and put back so the record is mutated in place, not copied.
        var state = records.removeValue(forKey: key) ?? RecordState(type: key.type, id: key.id)
        defer { if !state.clock.isEmpty { records[key] = state } }
        switch state.readiness(of: operation) {
        case .duplicate:
            return
        case .waiting:
            if !waiting[key, default: []].contains(operation) { waiting[key, default: []].append(operation) }
            return
        case .ready:
            state.apply(operation)
        }
        guard !waiting.isEmpty, var pending = waiting.removeValue(forKey: key) else { return }
        while let index = pending.firstIndex(where: { state.readiness(of: $0) != .waiting }) {
            let next = pending.remove(at: index)
            if state.readiness(of: next) == .ready { state.apply(next) }
        }
        if !pending.isEmpty { waiting[key] = pending }
    }

    /// Takes a record from a snapshot as it stands, with the clock moved past everything it holds.
    public mutating func install(_ record: RecordState) {
        clock.advance(past: record.latestHLC)
        records[record.key] = record
    }

    /// Every record in key order, the form compared byte for byte across replicas.
    public var canonicalRecords: [RecordState] {
        records.keys.sorted().map { records[$0]! }
    }
}
