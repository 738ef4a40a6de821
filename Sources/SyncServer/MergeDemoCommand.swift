import ArgumentParser

struct MergeDemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge-demo")
    func run() throws {}
}
