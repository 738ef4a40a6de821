import ArgumentParser

@main
struct FieldAgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "field-agent",
        abstract: "The GridSync village agent: an offline replica of one grid subtree."
    )
}
