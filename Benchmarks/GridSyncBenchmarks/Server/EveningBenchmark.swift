import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncServer
import Shared

/// The county evening: one agent per level-4 grid of the demo county (3,273) each pushes a batch
/// of 30 operations and pulls, over real HTTP on loopback. Reports total time, exchanges per second,
/// p50/p99 latency, and exchanges per second ÷ the server's no-op request rate in the same run.
struct EveningBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evening",
        abstract: "The whole demo county's evening sync over HTTP on loopback."
    )

    @Option(help: "Exchanges in flight at once.") var concurrency = 32
    @Option(help: "Operations per agent.") var batchSize = 30
    @Option(help: "Agents (default: every level-4 grid of the demo county).") var agents: Int?
    @Option(help: "Append the result to this Markdown file.") var record: String?

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gridsync-evening-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try SQLiteStore.open(directory: folder.path)
        let now = WallClock.nowMilliseconds()
        let grids = DemoCounty.grids()
        try database.addGrids(grids, actor: "bench", now: now)
        let groups = grids.filter { $0.level == .group }
        let workload = try EveningWorkload(
            database: database,
            groups: Array(groups.prefix(agents ?? groups.count)),
            batches: 1,
            batchSize: batchSize,
            now: now
        )
        let batches = workload.batches
        print("\(batches.count) agents, \(batchSize) operations each, \(concurrency) in flight…")

        let (driver, server) = try await ExchangeDriver.start(database: database, concurrency: concurrency)
        let noop = try await ExchangeDriver.run(count: batches.count, concurrency: concurrency) { _ in
            try await driver.noop()
        }
        // Each agent's exchange with nothing to push or pull: what authentication, parsing and
        // answering cost without merging, for reading the target's ratio in context.
        let empty = try await ExchangeDriver.run(count: batches.count, concurrency: concurrency) {
            try await driver.exchange(batches[$0], empty: true)
        }
        let transactionsBefore = await database.groupCommit.transactions
        let evening = try await ExchangeDriver.run(count: batches.count, concurrency: concurrency) {
            try await driver.exchange(batches[$0])
        }
        let transactions = await database.groupCommit.transactions - transactionsBefore
        try await driver.shutdown()
        server.cancel()
        // What the ratio target asks, against the plainest durable write of the same rows, grouped
        // into as many transactions as the server committed them in.
        let plain = try PlainInserts(path: folder.appendingPathComponent("plain.sqlite").path)
        let plainSeconds = try await Stopwatch.measure {
            try await plain.insert(batches[...], transactions: transactions, now: now)
        }

        let exchangeRate = Double(batches.count) / evening.seconds
        let noopRate = Double(batches.count) / noop.seconds
        let emptyRate = Double(batches.count) / empty.seconds
        let operations = Double(batches.count * batchSize)
        let result = BenchmarkResult(
            name: "county evening (HTTP on loopback)",
            figures: [
                ("agents × operations", "\(batches.count) × \(batchSize), \(concurrency) in flight"),
                ("total time (target < 20 s)", String(format: "%.2f s", evening.seconds)),
                ("exchanges/s", String(format: "%.0f", exchangeRate)),
                (
                    "p50 / p99 latency",
                    String(
                        format: "%.1f ms / %.1f ms",
                        evening.latencies.percentile(0.5),
                        evening.latencies.percentile(0.99)
                    )
                ),
                ("no-op requests/s (GET /health)", String(format: "%.0f", noopRate)),
                ("ratio exchanges ÷ no-op (target ≥ 0.25)", String(format: "%.3f", exchangeRate / noopRate)),
                ("empty exchanges/s (nothing to push or pull)", String(format: "%.0f", emptyRate)),
                ("ratio exchanges ÷ empty exchanges", String(format: "%.3f", exchangeRate / emptyRate)),
                (
                    "operations/s the ratio target asks (0.25 × no-op rate × batch)",
                    Stopwatch.format(0.25 * noopRate * Double(batchSize))
                ),
                (
                    "plain SQLite inserts of the same rows in \(transactions) transactions (the server's): ops/s",
                    Stopwatch.format(operations / plainSeconds)
                ),
            ]
        )
        print(result.text)
        if let record { try result.append(to: record) }
    }
}
