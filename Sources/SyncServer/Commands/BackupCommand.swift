import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncServer
import Shared

/// `sync-server backup FILE`: a consistent copy of the store, safe while the daemon serves.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: Console.localized(
            "Copy the server's database to FILE with SQLite's online backup.",
            "使用 SQLite 在线备份将服务器数据库复制到 FILE。"
        )
    )
    @OptionGroup var data: DataDirectoryOption
    @Argument(
        help: ArgumentHelp(Console.localized("Where to write the copy; it must not exist yet.", "备份文件路径，该文件不能已存在。"))
    ) var file: String

    /// The copy is created empty with mode 0600 before SQLite writes a byte into it, so no other user
    /// can open it even for an instant, and an existing file is never overwritten.
    func run() async throws {
        guard try PrivateFiles.createNew(file) else {
            throw ModelError.invalid(
                LocalizedText("\(file) already exists; choose a new file name.", zh: "\(file) 已存在，请换一个文件名。")
            )
        }
        do {
            try await data.open().backup(to: file)
        } catch {
            try? FileManager.default.removeItem(atPath: file)  // an empty or partial copy is no backup
            throw error
        }
        Console.say("Backed up to \(file).", "已备份到 \(file)。")
    }
}
