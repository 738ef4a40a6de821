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
        try writer.write { db in
            var replica = try Self.requireState(db)
            var clock = HybridLogicalClock(last: replica.hlc)
            for row in rows {
                clock.advance(past: row.latestHLC)
                try Self.store(db, row, generation: replica.generation)
            }
            replica.hlc = clock.last
            try replica.save(db)
        }
    }

    /// Ends a snapshot: drops what it did not write, replays the outbox on top, and continues
    /// incremental sync from the snapshot's cursor.
    ///
    /// - Returns: how many local operations were replayed (those the server already had are in
    ///   the snapshot and skip as duplicates).
    @discardableResult
    func finishSnapshot(cursor: UInt64) throws -> Int {
        try writer.write { db in
            var replica = try Self.requireState(db)
            try db.execute(sql: "DELETE FROM record WHERE generation < ?", arguments: [replica.generation])
            try db.execute(sql: "DELETE FROM waiting")
            try Self.renumberOutbox(db, &replica)
            var replayed = 0
            let outbox = try Data.fetchAll(db, sql: "SELECT operation FROM outbox ORDER BY counter")
            for data in outbox {
                let operation = try CanonicalJSON.decode(SyncOperation.self, from: data)
                // A record a newer server release wrote, which this one cannot read: the operation
                // stays in the outbox and goes up; the laptop shows it after an upgrade.
                guard case .success = Result(catching: { try Self.state(db, operation.record) }) else { continue }
                // Merged like a pulled operation: one whose causes the snapshot lacks waits for
                // them. That happens after a restore from an older backup, for an edit on another
                // laptop's change the store lost: that laptop sends it again, this replica pulls
                // it and applies the edit then. Skipped instead, the edit would be missing here
                // for good once acknowledged, as the server never sends a laptop its own operations.
                replayed += try Self.merge(operation, generation: replica.generation, db: db)
            }
            replica.cursor = cursor
            replica.snapshotNeeded = false
            try replica.save(db)
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
