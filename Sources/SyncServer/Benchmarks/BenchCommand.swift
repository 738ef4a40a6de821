import ArgumentParser
import ConsoleSupport

/// `sync-server bench`: the server's benchmarks. Build with `-c release`; each prints a ratio
/// against a plain baseline measured in the same run, so a busy machine's drift cancels out.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: Console.localized("Run a benchmark (build with -c release).", "运行基准测试（请用 -c release 构建）。"),
        shouldDisplay: false,
        subcommands: [MergeBenchmark.self, IngestBenchmark.self, EveningBenchmark.self, ScalingBenchmark.self]
    )
}
