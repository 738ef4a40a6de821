import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncServer
import Shared

/// Merge ingest: operations stored and merged per second through the real store's exchange (each
/// agent's pull finds nothing new in its group), divided by plain
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
    @Option(help: "Turns the merge and the baselines take, a slice of the batches each.") var rounds = 8
    @Option(help: "Append the result to this Markdown file.") var record: String?

    func run() async throws {
        let store = try DemoGridStore(for: "ingest")
        defer { store.remove() }
        let (folder, database, now) = (store.folder, store.database, store.now)
        let workload = try EveningWorkload(
            database: database,
            groups: Array(store.groups.prefix(agents)),
            batches: batches,
            batchSize: batchSize,
            now: now
        )
        let operations = workload.batches.reduce(0) { $0 + $1.operations.count }
        print("Ingesting \(operations) operations in \(workload.batches.count) batches of \(batchSize)…")
        let statements = try MergeStatementsBaseline(
            copying: database,
            to: folder.appendingPathComponent("sql.sqlite").path
        )
        let plain = try PlainInserts(path: folder.appendingPathComponent("plain.sqlite").path)

        // The three run in turns, a slice of the batches each, so that a neighbour slowing the
        // machine for a while slows all three alike.
        var mergeSeconds = 0.0
        let rules = ExchangeRules()
        var statementsSeconds = 0.0
        var plainSeconds = 0.0
        let turns = max(1, rounds)
        let sliceSize = max(1, (workload.batches.count + turns - 1) / turns)
        for start in stride(from: 0, to: workload.batches.count, by: sliceSize) {
            let slice = workload.batches[start..<min(workload.batches.count, start + sliceSize)]
            // Each request as the server receives it, its operations' canonical bytes kept as they
            // came: made before the clock starts, as the evening encodes its requests beforehand.
            let received = slice.map {
                ReceivedSyncRequest(SyncRequest(batchId: $0.id, cursor: 0, operations: $0.operations))
            }
            mergeSeconds += try await Stopwatch.measure {
                for (batch, request) in zip(slice, received) {
                    _ = try await database.exchange(try rules.check(request, from: batch.agent, now: now))
                }
            }
            let states = try await MergeStatementsBaseline.states(in: database)
            statementsSeconds += try await Stopwatch.measure {
                try await statements.replay(slice, states: states, now: now)
            }
            plainSeconds += try await Stopwatch.measure { try await plain.insert(slice, now: now) }
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
