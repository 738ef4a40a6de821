import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncServer
import Shared

/// `sync-server`: the county daemon and the operator's commands beside it.
@main
struct SyncServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync-server",
        abstract: Console.localized("The GridSync county daemon and its operator commands.", "GridSync 县级同步服务及其管理命令。"),
        subcommands: [
            ServeCommand.self, GridsCommand.self, AgentsCommand.self, ConflictsCommand.self, IncidentsCommand.self,
            EscalateCommand.self, CalendarCommand.self, SetAsideCommand.self, BackupCommand.self,
            RecoveryCommand.self,
            MergeDemoCommand.self,
        ]
    )

    /// Everything the server writes holds the county's records or a way into them, so nothing it
    /// creates is open to other users, whatever umask the operator's shell or unit file has.
    static func main() async {
        umask(PrivateFiles.umask)
        await runWithExitCodes()
    }
}
