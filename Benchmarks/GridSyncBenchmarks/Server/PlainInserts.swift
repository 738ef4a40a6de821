import GRDB
import GridSyncServer
import Shared

/// The benchmarks' baseline: the same operation rows written to a table shaped like the operation
/// log, with nothing else done.
struct PlainInserts {
    private let pool: DatabasePool

    init(path: String) throws {
        pool = try SQLiteStore.openPool(path: path)
        try pool.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE operation (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, replica INTEGER NOT NULL, counter INTEGER NOT NULL,
                        g1 TEXT, g2 TEXT, g3 TEXT, g4 TEXT, body BLOB NOT NULL, receivedAt INTEGER NOT NULL,
                        UNIQUE (replica, counter));
                    CREATE INDEX operation_g1 ON operation(g1, seq);
                    CREATE INDEX operation_g2 ON operation(g2, seq);
                    CREATE INDEX operation_g3 ON operation(g3, seq);
                    CREATE INDEX operation_g4 ON operation(g4, seq);
                    """
            )
        }
    }

    /// Inserts the batches' rows in exactly `transactions` transactions (one per batch when nil),
    /// whole batches each and as equal as whole batches allow.
    ///
    /// The evening's baseline must commit as often as the server's group commit did: every commit
    /// is an `fdatasync`, which on this machine costs more than the rows it carries, so rounding the
    /// size of a transaction up (and committing fewer times) would flatter the baseline.
    func insert(_ batches: ArraySlice<EveningWorkload.Batch>, transactions: Int? = nil, now: UInt64) async throws {
        let count = min(max(transactions ?? batches.count, 1), batches.count)
        for transaction in 0..<count {
            let lower = batches.startIndex + batches.count * transaction / count
            let upper = batches.startIndex + batches.count * (transaction + 1) / count
            try await pool.write { db in
                let statement = try db.cachedStatement(
                    sql:
                        "INSERT INTO operation(replica, counter, g1, g2, g3, g4, body, receivedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                )
                for batch in batches[lower..<upper] {
                    let scope = batch.scope.ancestors
                    for (operation, body) in zip(batch.operations, batch.bodies) {
                        try statement.execute(arguments: [
                            operation.dot.replica.rawValue, Int64(operation.dot.counter), scope[0], scope[1],
                            scope[2], scope[3], body, Int64(now),
                        ])
                    }
                }
            }
        }
    }

    /// The rows written so far and their bodies' bytes, to check they are the server's own.
    func rows() async throws -> (count: Int, bytes: Int) {
        try await pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(LENGTH(body)), 0) FROM operation")
            return (row?[0] ?? 0, row?[1] ?? 0)
        }
    }
}
