import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncServer
import Shared

/// Applies a million single-field operations to an in-memory replica and compares the rate with
/// plain dictionary writes of the same values in the same run.
struct MergeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge field operations in memory and report operations per second."
    )

    @Option(help: "How many field operations to merge.")
    var operations = 1_000_000

    @Option(help: "How many households they touch.")
    var households = 10_000

    @Option(help: "How many agents author them; agents exchange operations every few hundred edits.")
    var agents = 5

    @Option(help: "Append the result to this Markdown file (for example docs/benchmarks.md).")
    var record: String?

    func run() async throws {
        let workload = MergeWorkload.make(operations: operations, households: households, agents: agents)
        print("Merging \(workload.operations.count) operations over \(households) households from \(agents) agents…")

        let mergeSeconds = await Stopwatch.measure {
            var server = InMemoryReplica(replica: .server)
            for operation in workload.operations { server.receive(operation) }
            precondition(server.waiting.isEmpty)
            Stopwatch.keep(server.records.count)
        }
        let plainSeconds = await Stopwatch.measure {
            var table: [String: [String: FieldValue]] = [:]
            for operation in workload.operations {
                if case .set(let fields) = operation.payload {
                    for (name, value) in fields { table[operation.id, default: [:]][name] = value }
                }
            }
            Stopwatch.keep(table.count)
        }
        let count = Double(workload.operations.count)
        let mergeRate = count / mergeSeconds
        let plainRate = count / plainSeconds
        let result = BenchmarkResult(
            name: "merge (in memory)",
            figures: [
                ("operations", "\(workload.operations.count)"),
                ("merged ops/s", Stopwatch.format(mergeRate)),
                ("plain dictionary writes/s", Stopwatch.format(plainRate)),
                ("ratio merged ÷ plain", String(format: "%.3f", mergeRate / plainRate)),
                ("conflicts left", "\(workload.conflictsHint)"),
            ]
        )
        print(result.text)
        if let record { try result.append(to: record) }
    }
}
