/// The replica rules, written once over any ``ReplicaStore``: authoring a local operation, merging
/// a received one or holding it until its causes arrive, and (in ``ReplicaEngine+Snapshot``)
/// replaying the outbox on top of a snapshot, or of the server's state of records whose
/// operations it set aside.
///
/// The laptop runs it over SQLite inside each transaction, the property tests and benchmarks over
/// ``InMemoryReplica``, so the convergence the tests prove is the convergence the laptops have.
/// The engine keeps no state of its own: every call works on the store it is given, in place.
/// Its functions are inlinable so that each store's module specializes them: called as generic
/// code across the module boundary, every call looked up the store's type metadata at run time.
public enum ReplicaEngine<Store: ReplicaStore> {
    /// Authors local operations on one record, one per payload in order: each gets the next dot,
    /// the record's clock as its context and a clock reading after everything the record holds;
    /// it is applied and queued in the outbox.
    ///
    /// When some of this replica's own operations on the record are held for another replica's
    /// (a laptop whose outbox was replayed on a snapshot that lacked what they build on, after the
    /// county's store was restored from an older backup), a new one follows them: its context
    /// covers them and what they saw, and it is held with them. Written from the record alone it
    /// would be concurrent with its author's earlier edit, and applied first it would make that
    /// edit look like a duplicate.
    ///
    /// - Parameter check: called with each operation and the record as it stands before it (nil
    ///   while the replica holds none); throwing refuses the command. The store is then partly
    ///   written, so the caller rolls its transaction back.
    /// - Returns: the operations, in order.
    @inlinable @discardableResult
    public static func author(
        _ payloads: [SyncOperation.Payload],
        on key: RecordKey,
        now: UInt64,
        in store: inout Store,
        checking check: ((SyncOperation, RecordState?) throws(Store.Failure) -> Void)? = nil
    ) throws(Store.Failure) -> [SyncOperation] {
        var record = try store.takeRecord(key)
        var clock = store.clock
        // Each reading orders after everything the record holds, as the server checks.
        clock.advance(past: record?.latestHLC ?? .zero)
        var ownHeld = try store.heldOperations(for: key).filter { $0.dot.replica == store.replica }
        var changed = false
        var operations: [SyncOperation] = []
        for payload in payloads {
            var context = record?.clock ?? VersionVector()
            for earlier in ownHeld {
                context.formUnion(earlier.context)
                context.add(earlier.dot)
            }
            let operation = SyncOperation(
                dot: Dot(replica: store.replica, counter: try store.nextCounter()),
                context: context,
                hlc: clock.tick(now: now),
                type: key.type,
                id: key.id,
                payload: payload
            )
            try check?(operation, record)
            if ownHeld.isEmpty {
                if record == nil { record = RecordState(type: key.type, id: key.id) }
                // A record that holds this dot already got it from another image of this laptop
                // (a copy); the server refuses the operation as `replica_copied`, so the record is
                // left as it is rather than applying the dot twice.
                if record!.readiness(of: operation) == .ready {
                    record!.apply(operation)
                    changed = true
                }
            } else {
                try store.hold(operation)
                ownHeld.append(operation)
            }
            try store.queue(operation)
            operations.append(operation)
        }
        if let record { try store.putRecord(record, changed: changed) }
        store.clock = clock
        return operations
    }

    /// Merges a received operation, in any order and any number of times: applies it when its
    /// record has seen its context, skips it when the record has it already, and holds it
    /// otherwise. Applying one releases the held operations it was the last cause of.
    ///
    /// The clock moves past every operation received: applied, held, a duplicate, or one whose
    /// record the store cannot read. Only one that ``ReplicaStore/admit(_:to:)`` refuses leaves it
    /// as it was: that one was never taken.
    ///
    /// - Parameter movingClock: false for an operation received earlier and kept unread (an
    ///   older release could not read it), which merges now without moving the clock.
    /// - Returns: how many operations were applied (this one and those it released).
    @inlinable @discardableResult
    public static func receive(
        _ operation: SyncOperation,
        movingClock: Bool = true,
        in store: inout Store
    ) throws(Store.Failure) -> Int {
        let key = operation.record
        var record: RecordState
        do throws(Store.Failure) {
            record = try store.takeRecord(key) ?? RecordState(type: key.type, id: key.id)
        } catch {
            if movingClock { store.clock.advance(past: operation.hlc) }
            throw error
        }
        return try merge(operation, into: &record, movingClock: movingClock, in: &store)
    }

    /// Merges `operation` into `record`, taken from the store, and gives the record back.
    @inlinable
    static func merge(
        _ operation: SyncOperation,
        into record: inout RecordState,
        movingClock: Bool,
        in store: inout Store
    ) throws(Store.Failure) -> Int {
        switch record.readiness(of: operation) {
        case .duplicate:
            if movingClock { store.clock.advance(past: operation.hlc) }
            try store.putRecord(record, changed: false)
            return 0
        case .waiting:
            if movingClock { store.clock.advance(past: operation.hlc) }
            try store.putRecord(record, changed: false)
            try store.hold(operation)
            return 0
        case .ready:
            do throws(Store.Failure) {
                try store.admit(operation, to: record)
            } catch {
                try store.putRecord(record, changed: false)
                throw error
            }
            if movingClock { store.clock.advance(past: operation.hlc) }
            record.apply(operation)
            let applied = try 1 + releaseHeld(into: &record, in: &store)
            try store.putRecord(record, changed: true)
            return applied
        }
    }

    /// Applies the record's held operations that have become ready, until none is; lets go of
    /// those applied and of those the record turned out to have already.
    @inlinable
    static func releaseHeld(into record: inout RecordState, in store: inout Store) throws(Store.Failure) -> Int {
        var pending = try store.heldOperations(for: record.key)
        var applied = 0
        while let index = pending.firstIndex(where: { record.readiness(of: $0) != .waiting }) {
            let next = pending.remove(at: index)
            if record.readiness(of: next) == .ready {
                record.apply(next)
                applied += 1
            }
            try store.unhold(next)
        }
        return applied
    }
}
