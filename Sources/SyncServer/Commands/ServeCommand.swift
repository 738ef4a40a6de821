import ArgumentParser
import Configuration
import ConsoleSupport
import Foundation
import GridSyncServer
import Hummingbird
import Logging
import Shared

/// `sync-server serve`: runs the daemon until SIGTERM or SIGINT, then finishes in-flight exchanges and stops.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: Console.localized("Run the county sync daemon.", "运行县级同步服务。"),
        discussion: Console.localized(
            "Settings come from flags, then SYNC_SERVER_* environment variables (SYNC_SERVER_DATA, SYNC_SERVER_HTTP_PORT, …), then the JSON file given with --config, then defaults.",
            "配置依次取自：命令行参数、SYNC_SERVER_* 环境变量（SYNC_SERVER_DATA、SYNC_SERVER_HTTP_PORT 等）、--config 指定的 JSON 文件、默认值。"
        )
    )

    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(Console.localized("Data directory (default ./sync-data).", "数据目录（默认 ./sync-data）。"))
    )
    var dataDirectory: String?

    @Option(help: ArgumentHelp(Console.localized("Address to listen on (default 127.0.0.1).", "监听地址（默认 127.0.0.1）。")))
    var host: String?

    @Option(
        help: ArgumentHelp(
            Console.localized("Port to listen on (default 8080; 0 picks a free one).", "监听端口（默认 8080；0 表示自动选择）。")
        )
    )
    var port: Int?

    @Option(help: ArgumentHelp(Console.localized("A JSON configuration file.", "JSON 配置文件。")))
    var config: String?

    @Option(
        name: .customLong("tls-cert"),
        help: ArgumentHelp(Console.localized("PEM certificate chain, to serve HTTPS.", "PEM 证书链，用于启用 HTTPS。"))
    )
    var tlsCertificate: String?

    @Option(
        name: .customLong("tls-key"),
        help: ArgumentHelp(Console.localized("PEM private key, to serve HTTPS.", "PEM 私钥，用于启用 HTTPS。"))
    )
    var tlsKey: String?

    func run() async throws {
        var flags: [AbsoluteConfigKey: ConfigValue] = [:]
        if let dataDirectory { flags["data"] = ConfigValue(.string(dataDirectory), isSecret: false) }
        if let host { flags["http.host"] = ConfigValue(.string(host), isSecret: false) }
        if let port { flags["http.port"] = ConfigValue(.int(port), isSecret: false) }
        if let tlsCertificate { flags["tls.cert"] = ConfigValue(.string(tlsCertificate), isSecret: false) }
        if let tlsKey { flags["tls.key"] = ConfigValue(.string(tlsKey), isSecret: false) }
        let settings = try await ServerSettings.load(
            flags: flags,
            environment: ProcessInfo.processInfo.environment,
            configFile: config
        )

        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "gridsync.server")
        let database = try DataDirectoryOption.open(settings.dataDirectory)
        let scheme = settings.tlsCertificate == nil ? "http" : "https"
        let exampleGrid = try await database.grids().first { $0.level == .group }?.id
        let app = try buildApplication(
            settings: settings,
            store: database,
            logger: logger,
            onListening: { channelPort in
                Console.say(
                    "GridSync is serving \(scheme)://\(settings.host):\(channelPort) from \(settings.dataDirectory).",
                    "GridSync 已在 \(scheme)://\(settings.host):\(channelPort) 提供服务，数据目录 \(settings.dataDirectory)。"
                )
                Console.say(
                    "Enroll an agent with: sync-server agents enroll --data-dir \(settings.dataDirectory) --grid \(exampleGrid ?? "GRID-ID")",
                    "注册终端：sync-server agents enroll --data-dir \(settings.dataDirectory) --grid \(exampleGrid ?? "网格编码")"
                )
                Console.say(
                    "then on the laptop: field-agent enroll --server \(scheme)://\(settings.host):\(channelPort) --token-file FILE (a file holding the token; or pipe it in)",
                    "然后在笔记本上运行：field-agent enroll --server \(scheme)://\(settings.host):\(channelPort) --token-file 令牌文件（或通过管道输入令牌）"
                )
            }
        )
        try await app.runService()
    }
}
