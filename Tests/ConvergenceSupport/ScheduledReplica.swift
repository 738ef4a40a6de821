package import Shared

/// A replica as a ``ConvergenceSchedule`` drives it: through the replica engine, over one store.
///
/// The in-memory side plays ten thousand schedules in the Shared tests; the laptop's SQLite
/// replica plays the same schedules in the field agent's tests and must end identical to it.
package protocol ScheduledReplica {
    /// What the store may throw: `Never` in memory.
    associatedtype Failure: Error

    /// Authors one operation on `record` at physical time `now`, as the replica's engine builds it.
    mutating func write(
        _ payload: SyncOperation.Payload,
        to record: RecordKey,
        now: UInt64
    ) throws(Failure)
        -> SyncOperation

    /// Merges one page of operations from the network, in the order given.
    mutating func receive(_ operations: [SyncOperation]) throws(Failure)

    /// A resync: the records become `snapshot`'s, and the replica's outbox is replayed on top.
    mutating func resync(from snapshot: [RecordState]) throws(Failure)

    /// Whether the replica holds the record.
    func holds(_ record: RecordKey) throws(Failure) -> Bool

    /// Every record in key order.
    func recordsInKeyOrder() throws(Failure) -> [RecordState]

    /// Whether any operation still waits for its causes.
    func holdsOperationsBack() throws(Failure) -> Bool
}

extension InMemoryReplica: ScheduledReplica {
    package mutating func receive(_ operations: [SyncOperation]) {
        for operation in operations { receive(operation) }
    }

    package mutating func resync(from snapshot: [RecordState]) { installSnapshot(snapshot) }

    package func holds(_ record: RecordKey) -> Bool { records[record] != nil }

    package func recordsInKeyOrder() -> [RecordState] { canonicalRecords }

    package func holdsOperationsBack() -> Bool { !waiting.isEmpty }
}
