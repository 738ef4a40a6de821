import Foundation
import GRDB
import Shared

/// A resync: the scope's records replaced page by page, then the local operations replayed on top.
///
/// Pages are written as they arrive, so no snapshot sits whole in memory. Each snapshot has a new
/// generation number; rows it writes carry it, and the last page drops the rows it did not write.
/// Until then the flag `snapshotNeeded` stays set, so a resync broken off at any point starts over
/// at the next sync, and the outbox is never touched: nothing typed here is lost.
extension AgentDatabase {
    /// Starts a snapshot with its first page's grid tree and the county's calendar.
    func beginSnapshot(grids: [GridNode], calendar: WorkCalendar?) throws {
        try writer.write { db in
            var replica = try Self.requireState(db)
            try Self.replaceGrids(db, with: grids)
            if let calendar {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO calendar (id, body) VALUES (1, ?)",
                    arguments: [CanonicalJSON.encode(calendar)]
                )
            }
            replica.snapshotNeeded = true
            replica.generation += 1
            try replica.save(db)
        }
    }

    /// Stores one page of records as the scope's state, in one transaction.
    func storeSnapshotPage(_ rows: [SnapshotRows.Row]) throws {
        try transaction { store in
            for row in rows { try store.install(row) }
        }
    }

    /// Ends a snapshot: drops what it did not write, replays the outbox on top
    /// (``ReplicaEngine/replayOutbox(in:)``), and continues incremental sync from the snapshot's cursor.
    ///
    /// - Returns: how many local operations were replayed (those the server already had are in
    ///   the snapshot and skip as duplicates).
    @discardableResult
    func finishSnapshot(cursor: UInt64) throws -> Int {
        try transaction { store in
            try store.db.execute(sql: "DELETE FROM record WHERE generation < ?", arguments: [store.state.generation])
            try Self.renumberOutbox(store.db, &store.state)
            let replayed = try ReplicaEngine.replayOutbox(in: &store)
            store.state.cursor = cursor
            store.state.snapshotNeeded = false
            return replayed
        }
    }

    /// Marks the replica for a fresh snapshot at the next sync (`resync`, or the server's request).
    func requireSnapshot() throws {
        try writer.write { db in
            var replica = try Self.requireState(db)
            replica.snapshotNeeded = true
            try replica.save(db)
        }
    }
}
