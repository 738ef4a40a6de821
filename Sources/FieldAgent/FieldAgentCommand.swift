import ArgumentParser
import ConsoleSupport
import GridSyncAgent
import Shared

/// `field-agent`: the village laptop's offline replica, its editing commands and its sync client.
@main
struct FieldAgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "field-agent",
        abstract: Console.localized(
            "Keep your grid's ledger offline and sync it with the county in the evening.",
            "离线维护本网格台账，晚间与县级服务器同步。"
        ),
        subcommands: [
            EnrollCommand.self, HouseholdCommand.self, ResidentCommand.self, IncidentCommand.self, LogCommand.self,
            SyncCommand.self, ResyncCommand.self, StatusCommand.self, ConflictsCommand.self, SetAsideCommand.self,
        ]
    )

    static func main() async { await runWithExitCodes() }
}
