import GRDB

extension SQLiteStore {
    /// Drops operations every active agent has already pulled, and any older than the retention
    /// period; agents whose cursor falls before what is left must resync.
    ///
    /// - Returns: how many operations were dropped.
    @discardableResult
    package func compact(retentionMilliseconds: UInt64, now: UInt64) async throws -> Int {
        try await writer.write { db in
            let seenByAll = try Int64.fetchOne(db, sql: "SELECT MIN(cursor) FROM agent WHERE revokedAt IS NULL") ?? 0
            let cutoff = now > retentionMilliseconds ? Int64(now - retentionMilliseconds) : 0
            let expired =
                try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM oplog WHERE receivedAt < ?", arguments: [cutoff]) ?? 0
            let floor = max(seenByAll, expired)
            guard floor > 0 else { return 0 }
            // A copied laptop can send a compacted dot again; its digest still tells it apart.
            try OperationDigest.keep(throughSeq: floor, db)
            try db.execute(sql: "DELETE FROM oplog WHERE seq <= ?", arguments: [floor])
            let dropped = db.changesCount
            try db.execute(
                sql:
                    "INSERT INTO serverState(key, value) VALUES ('oplogFloor', ?) ON CONFLICT(key) DO UPDATE SET value = MAX(value, excluded.value)",
                arguments: [floor]
            )
            return dropped
        }
    }
}
