/// A resync replaces the replica's records with the server's and keeps the local work: the
/// operations the server has not acknowledged are replayed on top.
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
            let key = operation.record
            var record: RecordState
            do throws(Store.Failure) {
                record = try store.takeRecord(key) ?? RecordState(type: key.type, id: key.id)
            } catch {
                continue
            }
            // Its own operation: the clock is past it already.
            replayed += try merge(operation, into: &record, movingClock: false, in: &store)
        }
        return replayed
    }
}
