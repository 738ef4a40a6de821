import ArgumentParser
import ConsoleSupport

/// `field-agent bench`: the agent's benchmarks. Build with `-c release`; ratios are measured
/// against a plain baseline in the same run, so a busy machine's drift cancels out.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: Console.localized("Run a benchmark (build with -c release).", "运行基准测试（请用 -c release 构建）。"),
        shouldDisplay: false,
        subcommands: [WireBenchmark.self, ResyncBenchmark.self]
    )
}
