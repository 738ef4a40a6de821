import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncServer
import Shared

/// `--data-dir`, for every operator command: the flag, else `SYNC_SERVER_DATA`, else `./sync-data`.
struct DataDirectoryOption: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            Console.localized(
                "The server's data directory (default: $SYNC_SERVER_DATA or ./sync-data).",
                "服务器数据目录（默认：$SYNC_SERVER_DATA 或 ./sync-data）。"
            )
        )
    )
    var dataDirectory: String?

    var path: String {
        dataDirectory ?? ProcessInfo.processInfo.environment["SYNC_SERVER_DATA"] ?? ServerSettings().dataDirectory
    }

    func open() throws -> any SyncStore {
        try Self.open(path)
    }

    /// Opens the store in `directory`, saying on stderr when it had to take other users' access away.
    static func open(_ directory: String) throws -> any SyncStore {
        try SQLiteStore.open(directory: directory, onTightened: Console.error)
    }

    /// An operator's input file (grids CSV, calendar) as text, or one sentence saying it cannot be read.
    static func readText(_ file: String) throws -> String {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ModelError.invalid(LocalizedText("Cannot read \(file) as UTF-8 text.", zh: "无法以 UTF-8 文本读取 \(file)。"))
        }
        return text
    }
}
