import ArgumentParser
import ConsoleSupport

/// `gridsync-bench`: the benchmarks of both tools, outside what ships to a county.
///
/// Build with `-c release`. Each benchmark prints a ratio against a plain baseline measured in the
/// same run (and, where it can, instructions counted by `perf`), so a busy machine's drift cancels out.
@main
struct BenchmarksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gridsync-bench",
        abstract: Console.localized("Run a benchmark (build with -c release).", "运行基准测试（请用 -c release 构建）。"),
        subcommands: [
            MergeBenchmark.self, IngestBenchmark.self, EveningBenchmark.self, ScalingBenchmark.self,
            WireBenchmark.self, ResyncBenchmark.self,
        ]
    )
}
