import ArgumentParser
import ConsoleSupport
import Foundation
import Shared

/// `sync-server backup FILE`: a consistent copy of the store, safe while the daemon serves.
struct BackupCommand: ParsableCommand {
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

    func run() throws {
        guard !FileManager.default.fileExists(atPath: file) else {
            throw ModelError.invalid(
                LocalizedText("\(file) already exists; choose a new file name.", zh: "\(file) 已存在，请换一个文件名。")
            )
        }
        try data.open().backup(to: file)
        Console.say("Backed up to \(file).", "已备份到 \(file)。")
    }
}
