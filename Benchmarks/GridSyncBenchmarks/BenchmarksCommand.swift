import ArgumentParser
import ConsoleSupport

/// `gridsync-bench`: the benchmarks of both tools, outside what ships to a county.
///
/// Build with `-c release`. Each benchmark prints a ratio against a plain baseline measured in the
/// same run, so a busy machine's drift cancels out; `exchange-cost` is a fixed workload whose
/// instructions `scripts/bench-instructions.sh` counts under valgrind, for comparing one change's
/// cost where times drift too much to.
@main
struct BenchmarksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gridsync-bench",
        abstract: Console.localized("Run a benchmark (build with -c release).", "运行基准测试（请用 -c release 构建）。"),
        subcommands: [
            MergeBenchmark.self, IngestBenchmark.self, EveningBenchmark.self, ScalingBenchmark.self,
            ExchangeCostBenchmark.self, WireBenchmark.self, ResyncBenchmark.self,
        ]
    )
}
