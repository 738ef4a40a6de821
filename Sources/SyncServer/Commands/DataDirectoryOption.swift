import ArgumentParser
import ConsoleSupport
import Foundation

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

    func open() throws -> ServerDatabase {
        try ServerDatabase.open(directory: path)
    }
}
