import ArgumentParser
import ConsoleSupport
import Foundation
import Shared

/// Cost grows with changes, not data: p50 exchange latency on the demo county's households, and
/// on ten times as many, with the same exchanges. Target: the larger within 1.5× of the smaller.
struct ScalingBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaling",
        abstract: "p50 exchange latency with 10× the demo county's households ÷ with 1×."
    )

    @Option(help: "How many times the demo county's households the large store holds.") var scale = 10
    @Option(help: "Agents that sync against each store, spread over the county.") var agents = 400
    @Option(help: "Exchanges in flight at once.") var concurrency = 8
    @Option(help: "Append the result to this Markdown file.") var record: String?

    func run() async throws {
        var medians: [Int: (p50: Double, households: Int)] = [:]
        for factor in [1, scale] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "gridsync-scaling-\(UUID().uuidString)"
            )
            defer { try? FileManager.default.removeItem(at: folder) }
            let database = try ServerDatabase.open(directory: folder.path)
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
            let run = try await ExchangeDriver.run(count: workload.batches.count, concurrency: concurrency) {
                try await driver.exchange(workload.batches[$0])
            }
            try await driver.shutdown()
            server.cancel()
            medians[factor] = (run.latencies.percentile(0.5), totals.households)
            print(String(format: "  %d households: p50 %.2f ms", totals.households, run.latencies.percentile(0.5)))
        }
        let small = medians[1]!
        let large = medians[scale]!
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
