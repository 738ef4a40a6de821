import ArgumentParser

@main
struct SyncServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync-server",
        abstract: "The GridSync county daemon and its operator commands.",
        subcommands: [MergeDemoCommand.self]
    )
}
