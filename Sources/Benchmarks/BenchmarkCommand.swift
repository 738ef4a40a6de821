import ArgumentParser

/// Benchmarks that print ratios measured side by side in one run, so a shared machine's drift cancels out.
@main
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gridsync-bench",
        abstract: "GridSync benchmarks (build with -c release).",
        subcommands: [MergeBenchmark.self]
    )
}
