/// A resync replaces the replica's records with the server's and keeps the local work: the
/// operations the server has not acknowledged are replayed on top. A repair does the same for the
/// records of operations the server set aside.
extension ReplicaEngine {
    /// Takes a record of a snapshot as it stands, with the clock moved past everything it holds.
    @inlinable
    public static func install(_ record: RecordState, in store: inout Store) throws(Store.Failure) {
        store.clock.advance(past: record.latestHLC)
        try store.putRecord(record, changed: true)
    }

    /// Replays the outbox on top of a snapshot whose records are all in the store: lets go of the
    /// held operations (the snapshot holds whatever the server had of them), then merges each
    /// local operation like a received one.
    ///
    /// Those the server already had are in the snapshot and skip as duplicates. One whose causes
    /// the snapshot lacks is held for them: after a restore from an older backup, an edit on
    /// another laptop's change the store lost waits until that laptop sends it again and this
    /// replica pulls it. Skipped instead, the edit would be missing here for good once
    /// acknowledged, as the server never sends a replica its own operations. One on a record the
    /// store cannot read (written by a newer release) is left out: it stays in the outbox and
    /// goes up, and the replica shows it after an upgrade.
    ///
    /// - Returns: how many operations were applied.
    @inlinable @discardableResult
    public static func replayOutbox(in store: inout Store) throws(Store.Failure) -> Int {
        try store.unholdAll()
        var replayed = 0
        for operation in try store.outbox() {
            replayed += try replay(operation, in: &store)
        }
        return replayed
    }

    /// Rebuilds `keys` after the server set aside some of this replica's operations on them: each
    /// record becomes the server's state of it (from `states`; one missing there, which the server
    /// does not have or which left the scope, is removed), with the outbox's operations on it
    /// replayed on top, leaving out the set-aside ones and every one that builds on them (whose
    /// context covers a set-aside operation's dot on the record). Those would put back, here
    /// only, what the server refused.
    ///
    /// The records' held operations are let go first, as ``replayOutbox(in:)`` lets go of all of
    /// them: the server's state holds whatever it had of them, and one of this replica's own that
    /// builds on a set-aside operation must not apply when its causes arrive.
    ///
    /// A local operation whose causes the server's state lacks, without building on a set-aside
    /// one, is held for them, not skipped: the server lost them (its store was restored from an
    /// older backup) and gets them again when the laptop that wrote them sends them again, and
    /// this replica pulls them. Skipped, the worker's edit would be missing here for good once
    /// acknowledged, as the server never sends a replica its own operations.
    @inlinable
    public static func rebuild(
        _ keys: [RecordKey],
        from states: [RecordState],
        leavingOut setAside: [SyncOperation],
        in store: inout Store
    ) throws(Store.Failure) {
        let fromServer = Dictionary(states.map { ($0.key, $0) }) { first, _ in first }
        let refused = Dictionary(grouping: setAside, by: \.record)
        let outbox = Dictionary(grouping: try store.outbox(), by: \.record)
        for key in keys {
            for held in try store.heldOperations(for: key) { try store.unhold(held) }
            // An empty state, put back as changed, removes the record.
            try install(fromServer[key] ?? RecordState(type: key.type, id: key.id), in: &store)
            let undone = refused[key]?.map(\.dot) ?? []
            for operation in outbox[key] ?? []
            where !undone.contains(where: { $0 == operation.dot || operation.context.covers($0) }) {
                try replay(operation, in: &store)
            }
        }
    }

    /// Merges one of the replica's own operations again, like a received one; one on a record the
    /// store cannot read (written by a newer release) is left out.
    ///
    /// - Returns: how many operations were applied.
    @inlinable @discardableResult
    static func replay(_ operation: SyncOperation, in store: inout Store) throws(Store.Failure) -> Int {
        let key = operation.record
        var record: RecordState
        do throws(Store.Failure) {
            record = try store.takeRecord(key) ?? RecordState(type: key.type, id: key.id)
        } catch {
            return 0
        }
        // Its own operation: the clock is past it already.
        return try merge(operation, into: &record, movingClock: false, in: &store)
    }
}
