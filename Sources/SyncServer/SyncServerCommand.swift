import ArgumentParser
import Foundation
import Shared

/// `sync-server`: the county daemon and the operator's commands beside it.
@main
struct SyncServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync-server",
        abstract: Console.localized("The GridSync county daemon and its operator commands.", "GridSync 县级同步服务及其管理命令。"),
        subcommands: [
            ServeCommand.self, GridsCommand.self, AgentsCommand.self, ConflictsCommand.self, BackupCommand.self,
            MergeDemoCommand.self, BenchCommand.self,
        ]
    )

    /// Runs a command with the project's exit codes: 0 ok, 1 failure, 2 usage; one localized sentence on stderr.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as any CodedError {
            Console.error(error.message)
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            if code == .validationFailure {
                Console.error(
                    LocalizedText("Usage error: \(fullMessage(for: error))", zh: "命令用法有误：\(fullMessage(for: error))")
                )
                Foundation.exit(2)
            }
            if error is ExitCode { exit(withError: error) }
            Console.error(LocalizedText("The command failed: \(error)", zh: "命令执行失败：\(error)"))
            Foundation.exit(1)
        }
    }
}
