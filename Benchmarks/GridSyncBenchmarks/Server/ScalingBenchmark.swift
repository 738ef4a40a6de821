import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncServer
import Shared

/// Cost grows with changes, not data: p50 exchange latency on the demo county's households, and
/// on ten times as many, with the same exchanges, the two stores taking turns. Target: the larger
/// within 1.5× of the smaller.
struct ScalingBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaling",
        abstract: "p50 exchange latency with 10× the demo county's households ÷ with 1×."
    )

    @Option(help: "How many times the demo county's households the large store holds.") var scale = 10
    @Option(help: "Agents that sync against each store, spread over the county.") var agents = 400
    @Option(help: "Exchanges in flight at once.") var concurrency = 8
    @Option(help: "Turns the two stores take, a slice of the exchanges each.") var rounds = 8
    @Option(help: "Append the result to this Markdown file.") var record: String?

    /// One store under test, served on its own loopback port.
    private struct Store {
        let households: Int
        let workload: EveningWorkload
        let driver: ExchangeDriver
        let server: Task<Void, any Error>
        var latencies: [Duration] = []
    }

    func run() async throws {
        var folders: [URL] = []
        defer { for folder in folders { try? FileManager.default.removeItem(at: folder) } }
        var stores: [Store] = []
        for factor in [1, scale] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "gridsync-scaling-\(UUID().uuidString)"
            )
            folders.append(folder)
            let database = try SQLiteStore.open(directory: folder.path)
            let now = WallClock.nowMilliseconds()
            print("Loading \(factor)× the demo county's households…")
            let totals = try database.loadDemoCounty(
                now: now,
                actor: "bench",
                householdScale: factor,
                withResidents: false
            )
            let groups = try database.grids().filter { $0.level == .group }
            let stride = max(1, groups.count / agents)
            let chosen = Swift.stride(from: 0, to: groups.count, by: stride).prefix(agents).map { groups[$0] }
            let workload = try EveningWorkload(database: database, groups: chosen, batches: 1, batchSize: 30, now: now)
            let (driver, server) = try await ExchangeDriver.start(database: database, concurrency: concurrency)
            stores.append(Store(households: totals.households, workload: workload, driver: driver, server: server))
        }
        // The two stores take turns, a slice of their exchanges each, so that a neighbour slowing
        // the machine for a while slows both alike.
        let turns = max(1, rounds)
        for turn in 0..<turns {
            for index in stores.indices {
                let batches = stores[index].workload.batches
                let slice = Array(batches[batches.count * turn / turns..<batches.count * (turn + 1) / turns])
                let driver = stores[index].driver
                let run = try await ExchangeDriver.run(count: slice.count, concurrency: concurrency) {
                    try await driver.exchange(slice[$0])
                }
                stores[index].latencies += run.latencies
            }
        }
        for store in stores {
            try await store.driver.shutdown()
            store.server.cancel()
            print(String(format: "  %d households: p50 %.2f ms", store.households, store.latencies.percentile(0.5)))
        }
        let small = (p50: stores[0].latencies.percentile(0.5), households: stores[0].households)
        let large = (p50: stores[1].latencies.percentile(0.5), households: stores[1].households)
        let result = BenchmarkResult(
            name: "cost grows with changes, not data",
            figures: [
                ("households (1× / \(scale)×)", "\(small.households) / \(large.households)"),
                ("exchanges each", "\(agents) × 30 operations, \(concurrency) in flight"),
                ("p50 latency 1× / \(scale)×", String(format: "%.2f ms / %.2f ms", small.p50, large.p50)),
                ("ratio \(scale)× ÷ 1× (target ≤ 1.5)", String(format: "%.3f", large.p50 / small.p50)),
            ]
        )
        print(result.text)
        if let record { try result.append(to: record) }
    }
}
