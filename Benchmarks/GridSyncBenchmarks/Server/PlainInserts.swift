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

    /// Inserts the batches' rows in `transactions` transactions of equal size (one per batch when nil).
    func insert(_ batches: ArraySlice<EveningWorkload.Batch>, transactions: Int? = nil, now: UInt64) async throws {
        let perTransaction = transactions.map { (batches.count + max($0, 1) - 1) / max($0, 1) } ?? 1
        for start in stride(from: batches.startIndex, to: batches.endIndex, by: perTransaction) {
            try await pool.write { db in
                let statement = try db.cachedStatement(
                    sql:
                        "INSERT INTO operation(replica, counter, g1, g2, g3, g4, body, receivedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                )
                for batch in batches[start..<min(batches.endIndex, start + perTransaction)] {
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
}
