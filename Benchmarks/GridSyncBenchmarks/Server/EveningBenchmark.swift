import ArgumentParser
import ConsoleSupport
import Foundation
import GRDB
import GridSyncServer
import Shared

/// The county evening: one agent per level-4 grid of the demo county (3,273) each pushes a batch
/// of 30 operations and pulls, over real HTTP on loopback. Reports total time, latency, and the
/// headline ratio: operations stored per second over HTTP ÷ plain SQLite inserts of the same rows
/// in as many transactions as the server's group commit used, measured in the same run.
///
/// The plain inserts are what the server cannot do without (each operation is a row of the log,
/// and every commit reaches the disk), so the ratio says how much of the server's time goes to
/// everything else: HTTP, authentication, inflating, parsing, checking, merging, answering. A
/// request that does nothing (`GET /health`) was the baseline before; it measured HTTP alone and
/// made a target no design could meet on two cores (docs/benchmarks.md), so it is gone.
struct EveningBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evening",
        abstract: "The whole demo county's evening sync over HTTP on loopback ÷ plain inserts of the same rows."
    )

    @Option(help: "Exchanges in flight at once.") var concurrency = 32
    @Option(help: "Operations per agent.") var batchSize = 30
    @Option(help: "Agents (default: every level-4 grid of the demo county).") var agents: Int?
    @Option(help: "Turns the server and the plain inserts take, a slice of the agents each.") var rounds = 4
    @Option(help: "Append the result to this Markdown file.") var record: String?

    func run() async throws {
        let store = try DemoGridStore(for: "evening")
        defer { store.remove() }
        let (folder, database, now, groups) = (store.folder, store.database, store.now, store.groups)
        let workload = try EveningWorkload(
            database: database,
            groups: Array(groups.prefix(agents ?? groups.count)),
            batches: 1,
            batchSize: batchSize,
            now: now
        )
        let batches = workload.batches
        let exchanges = try batches.map { try ExchangeDriver.prepare($0) }
        let empties = try batches.map { try ExchangeDriver.prepare($0, empty: true) }
        let turns = max(1, min(rounds, batches.count))
        print("\(batches.count) agents, \(batchSize) operations each, \(concurrency) in flight, \(turns) turns…")

        let (driver, server) = try await ExchangeDriver.start(database: database, concurrency: concurrency)
        // Context, not the headline: each agent's exchange with nothing to push or pull is what
        // authentication, parsing and answering cost without storing anything.
        let empty = try await ExchangeDriver.run(count: batches.count, concurrency: concurrency) {
            try await driver.send(empties[$0])
        }
        // The server and the baseline take turns, a slice of the agents each, so that a neighbour
        // slowing the machine for a while slows both alike. Each slice of plain inserts commits as
        // many times as the server's group commit did for the same slice.
        let plain = try PlainInserts(path: folder.appendingPathComponent("plain.sqlite").path)
        var eveningSeconds = 0.0
        var plainSeconds = 0.0
        var latencies: [Duration] = []
        var transactions = 0
        for turn in 0..<turns {
            let slice = batches.count * turn / turns..<batches.count * (turn + 1) / turns
            let before = await database.groupCommit.transactions
            let evening = try await ExchangeDriver.run(count: slice.count, concurrency: concurrency) {
                try await driver.send(exchanges[slice.lowerBound + $0])
            }
            let committed = await database.groupCommit.transactions - before
            eveningSeconds += evening.seconds
            latencies += evening.latencies
            transactions += committed
            plainSeconds += try await Stopwatch.measure {
                try await plain.insert(batches[slice], transactions: committed, now: now)
            }
        }
        try await driver.shutdown()
        server.cancel()
        let stored = try await database.writer.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(LENGTH(body)), 0) FROM oplog")
            return (count: row?[0] ?? 0, bytes: row?[1] ?? 0) as (count: Int, bytes: Int)
        }
        let written = try await plain.rows()
        // The baseline must write what the server wrote: the same rows, byte for byte the same size.
        guard stored == written else {
            throw BenchmarkFailure(
                "the server stored \(stored.count) operations (\(stored.bytes) bytes), the baseline \(written.count) (\(written.bytes) bytes)"
            )
        }

        let operations = Double(stored.count)
        let storedRate = operations / eveningSeconds
        let plainRate = operations / plainSeconds
        let emptyRate = Double(batches.count) / empty.seconds
        let exchangeRate = Double(batches.count) / eveningSeconds
        let result = BenchmarkResult(
            name: "county evening (HTTP on loopback)",
            figures: [
                ("agents × operations", "\(batches.count) × \(batchSize), \(concurrency) in flight"),
                ("total time (target < 20 s)", String(format: "%.2f s", eveningSeconds)),
                (
                    "ratio stored over HTTP ÷ plain inserts (the headline)",
                    String(format: "%.3f", storedRate / plainRate)
                ),
                ("operations stored/s over HTTP", Stopwatch.format(storedRate)),
                ("plain SQLite inserts/s of the same rows, in as many transactions", Stopwatch.format(plainRate)),
                (
                    "rows each side wrote",
                    "\(stored.count), \(stored.bytes / max(stored.count, 1)) body bytes each, in \(transactions) transactions (the server's group commit)"
                ),
                ("exchanges/s", String(format: "%.0f", exchangeRate)),
                (
                    "p50 / p99 latency",
                    String(format: "%.1f ms / %.1f ms", latencies.percentile(0.5), latencies.percentile(0.99))
                ),
                ("for context: empty exchanges/s (nothing to push or pull)", String(format: "%.0f", emptyRate)),
                (
                    "for context: \(batchSize)-operation exchanges ÷ empty ones",
                    String(format: "%.3f", exchangeRate / emptyRate)
                ),
            ]
        )
        print(result.text)
        if let record { try result.append(to: record) }
    }
}
