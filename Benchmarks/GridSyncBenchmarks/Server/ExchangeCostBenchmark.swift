import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncServer
import Shared

/// A fixed workload for counting instructions: `--exchanges` exchanges of 30 operations over HTTP
/// on loopback, one at a time, after the same preparation whatever their number.
///
/// On this shared two-core machine times drift by tens of percent between runs, and hardware
/// counters are not exposed to it (`perf stat -e instructions` is unsupported), so a change's cost
/// is compared in instructions counted under valgrind. For that the run must do the same work each
/// time: the agents, their batches and the requests are made from a fixed seed before anything is
/// sent, as many of them (`--agents`) whether 200 exchanges run or none, so a run with none counts
/// everything but the exchanges; and exchanges go one at a time, so group commit never depends on
/// how threads happened to be scheduled (each exchange commits alone, unlike the evening's).
/// `scripts/bench-instructions.sh` runs it twice and prints instructions per exchange.
struct ExchangeCostBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exchange-cost",
        abstract: "A fixed run of 30-operation exchanges, one at a time, for counting instructions."
    )

    @Option(help: "Exchanges to run (0 counts the preparation alone).") var exchanges = 200
    @Option(help: "Agents prepared, each with one batch; the same in the runs whose counts are compared.")
    var agents = 200
    @Option(help: "Operations per exchange.") var batchSize = 30

    func validate() throws {
        guard exchanges >= 0, agents >= 1, exchanges <= agents else {
            throw ValidationError("--exchanges must be between 0 and --agents (\(agents)).")
        }
    }

    func run() async throws {
        let store = try DemoGridStore(for: "exchange-cost")
        defer { store.remove() }
        let (database, groups) = (store.database, store.groups)
        guard agents < groups.count else {
            throw ValidationError("The demo county has \(groups.count) level-4 grids; --agents must be fewer.")
        }
        // One agent more than asked for warms the connection, the statement caches and the code
        // paths of an exchange in every run, so the first counted exchange is no dearer than the rest.
        let workload = try EveningWorkload(
            database: database,
            groups: Array(groups.prefix(agents + 1)),
            batches: 1,
            batchSize: batchSize,
            now: store.now
        )
        let prepared = try workload.batches.map { try ExchangeDriver.prepare($0) }
        // The background sweeps wait a day: under valgrind a run takes minutes, and a sweep that
        // fell inside one run and not the other would be counted as the exchanges' cost.
        let settings = try await ServerSettings.load(
            flags: [:],
            environment: [
                "SYNC_SERVER_OPLOG_COMPACTION_INTERVAL_SECONDS": "86400",
                "SYNC_SERVER_INCIDENTS_ESCALATION_INTERVAL_SECONDS": "86400",
            ],
            configFile: nil
        )
        let (driver, server) = try await ExchangeDriver.start(database: database, concurrency: 1, settings: settings)
        _ = try await driver.send(prepared[agents])
        let seconds = try await Stopwatch.measure {
            for exchange in prepared.prefix(exchanges) { _ = try await driver.send(exchange) }
        }
        try await driver.shutdown()
        server.cancel()
        print("\(exchanges) exchanges of \(batchSize) operations, one at a time, \(agents) agents prepared")
        if exchanges > 0 {
            print(
                String(
                    format: "  %.3f s, %.0f exchanges/s (under valgrind, only the count means anything)",
                    seconds,
                    Double(exchanges) / seconds
                )
            )
        }
    }
}
