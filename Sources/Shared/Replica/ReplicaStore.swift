/// Where a replica keeps what ``ReplicaEngine`` works on: its records, its counter and clock, the
/// operations it holds until their causes arrive, and its outbox.
///
/// The replica rules (how a local operation is built, when a pulled one applies, what a snapshot
/// does to the outbox) are written once, in the engine; a store only reads and writes. The laptop's
/// SQLite replica implements it inside one GRDB transaction at a time, ``InMemoryReplica`` in
/// memory for the property tests and the benchmarks, and the server's merge of a batch over its
/// write transaction (it holds nothing back, and its outbox is the log).
///
/// A store scoped to one transaction is made, used and dropped inside it: when a requirement
/// throws, the engine passes the error on and the caller rolls the transaction back.
public protocol ReplicaStore {
    /// What the store's reads and writes may throw: `Never` in memory, the database's errors on disk.
    associatedtype Failure: Error

    /// The replica whose dots this store's local operations carry.
    var replica: ReplicaID { get }

    /// The replica's hybrid logical clock. The engine moves it past every operation received and
    /// ticks it for every local one, so each local reading orders after everything the replica saw.
    var clock: HybridLogicalClock { get set }

    /// Takes the counter of the next local operation's dot: the last one taken, plus one.
    mutating func nextCounter() throws(Failure) -> UInt64

    /// Hands a record's state over to the engine, or nil when the replica holds none.
    ///
    /// A store in memory hands over its own copy, taken out, so the engine changes it in place
    /// instead of copying every field. Unless a requirement throws, the engine gives every record
    /// it takes back through ``putRecord(_:changed:)``.
    mutating func takeRecord(_ key: RecordKey) throws(Failure) -> RecordState?

    /// Takes back a record from ``takeRecord(_:)``; `changed` says whether it must be written.
    ///
    /// A store that lists records keeps ``RecordListing`` of each written state beside it, so a
    /// list reads the visible grid and the conflicts without decoding the state. A record whose
    /// clock is empty is not kept: one that was not there and did not change, or one that changed
    /// to empty, which removes what the store held of it. Only a repair
    /// (``ReplicaEngine/rebuild(_:from:leavingOut:in:)``) changes a record to empty, when neither
    /// the server nor the outbox has anything of it; the server, which repairs nothing, never
    /// gets one.
    mutating func putRecord(_ record: RecordState, changed: Bool) throws(Failure)

    /// The operations held for a record until their causes arrive.
    mutating func heldOperations(for key: RecordKey) throws(Failure) -> [SyncOperation]

    /// Holds an operation whose causes the record has not seen; holding it again changes nothing.
    mutating func hold(_ operation: SyncOperation) throws(Failure)

    /// Lets go of a held operation: it has been applied, or was one the record already had.
    mutating func unhold(_ operation: SyncOperation) throws(Failure)

    /// Lets go of every held operation: a snapshot brought the server's state of every record.
    mutating func unholdAll() throws(Failure)

    /// Queues a local operation for sending, after the ones queued before it.
    mutating func queue(_ operation: SyncOperation) throws(Failure)

    /// The local operations not yet acknowledged, oldest first.
    mutating func outbox() throws(Failure) -> [SyncOperation]

    /// Decides whether to take a received operation that is ready to apply to `record`; throws to
    /// refuse it, and the record is then given back unchanged.
    ///
    /// Replicas take whatever their server sends, so the default takes everything. The server
    /// judges an agent's operation here, on the record as stored, before it applies: scope,
    /// clock reading, and the rules of the record's kind.
    mutating func admit(_ operation: SyncOperation, to record: RecordState) throws(Failure)
}

extension ReplicaStore {
    public mutating func admit(_ operation: SyncOperation, to record: RecordState) throws(Failure) {}
}
