import ArgumentParser
import ConsoleSupport
import Foundation
import GRDB
import Shared

/// Merge ingest: operations stored and merged per second through the real store, divided by plain
/// SQLite inserts per second of the same rows (same table layout and indexes as the operation log),
/// both in batches of an evening exchange's size. Also times the merge's own SQL statements with
/// nothing to compute (``MergeStatementsBaseline``), which bounds what any merge code could reach.
struct IngestBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Merged operations per second ÷ plain SQLite inserts per second of the same rows."
    )

    @Option(help: "How many agents send batches.") var agents = 300
    @Option(help: "Batches per agent.") var batches = 4
    @Option(help: "Operations per batch.") var batchSize = 30
    @Option(help: "Append the result to this Markdown file.") var record: String?

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gridsync-ingest-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try ServerDatabase.open(directory: folder.path)
        let now = WallClock.nowMilliseconds()
        let grids = DemoCounty.grids()
        try database.addGrids(grids, actor: "bench", now: now)
        let workload = try EveningWorkload(
            database: database,
            groups: Array(grids.filter { $0.level == .group }.prefix(agents)),
            batches: batches,
            batchSize: batchSize,
            now: now
        )
        let operations = workload.batches.reduce(0) { $0 + $1.operations.count }
        print("Ingesting \(operations) operations in \(workload.batches.count) batches of \(batchSize)…")
        let beforeMerge = folder.appendingPathComponent("before-merge.sqlite").path
        try database.backup(to: beforeMerge)

        let mergeSeconds = try await Stopwatch.measure {
            for batch in workload.batches {
                _ = try await database.push(
                    batch.operations,
                    batchId: batch.id,
                    from: batch.agent,
                    cursor: 0,
                    now: now,
                    rules: ExchangeRules()
                )
            }
        }
        let states = try await database.writer.read { db in
            try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT type, id, state FROM record").map { row in
                    (RecordKey(type: RecordType(rawValue: row["type"])!, id: row["id"]), row["state"] as Data)
                }
            )
        }
        let statementsSeconds = try await Stopwatch.measure {
            try await MergeStatementsBaseline.run(workload.batches, states: states, startingFrom: beforeMerge, now: now)
        }
        let plainSeconds = try await Stopwatch.measure {
            try await PlainInserts.run(
                workload.batches,
                in: folder.appendingPathComponent("plain.sqlite").path,
                now: now
            )
        }
        let mergeRate = Double(operations) / mergeSeconds
        let plainRate = Double(operations) / plainSeconds
        let statementsRate = Double(operations) / statementsSeconds
        let result = BenchmarkResult(
            name: "merge ingest (SQLite)",
            figures: [
                ("operations", "\(operations) in batches of \(batchSize)"),
                ("merged ops/s", Stopwatch.format(mergeRate)),
                ("plain inserts/s of the same rows", Stopwatch.format(plainRate)),
                ("ratio merged ÷ plain (target ≥ 0.5)", String(format: "%.3f", mergeRate / plainRate)),
                ("the merge's SQL alone, bytes encoded beforehand: ops/s", Stopwatch.format(statementsRate)),
                (
                    "ratio SQL alone ÷ plain (the ceiling these statements set)",
                    String(format: "%.3f", statementsRate / plainRate)
                ),
            ]
        )
        print(result.text)
        if let record { try result.append(to: record) }
    }
}

/// The baseline: the same operation rows written to a table shaped like the operation log.
enum PlainInserts {
    /// Inserts the batches' rows in `transactions` transactions of equal size (one per batch when nil).
    static func run(
        _ batches: [EveningWorkload.Batch],
        in path: String,
        transactions: Int? = nil,
        now: UInt64
    ) async throws {
        let pool = try DatabasePool(path: path, configuration: ServerDatabase.configuration())
        try await pool.write { db in
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
        let perTransaction = transactions.map { (batches.count + max($0, 1) - 1) / max($0, 1) } ?? 1
        for start in stride(from: 0, to: batches.count, by: perTransaction) {
            try await pool.write { db in
                let statement = try db.cachedStatement(
                    sql:
                        "INSERT INTO operation(replica, counter, g1, g2, g3, g4, body, receivedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                )
                for batch in batches[start..<min(batches.count, start + perTransaction)] {
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
