import ArgumentParser

@main
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gridsync-bench")
}
