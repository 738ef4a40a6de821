import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncAgent
import Shared

/// `field-agent enroll`: binds this laptop to the county server with the operator's token and
/// downloads its area.
struct EnrollCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: Console.localized(
            "Enroll this laptop with the county server and download its area.",
            "向县级服务器注册本机并下载辖区数据。"
        ),
        discussion: Console.localized(
            """
            The token from sync-server agents enroll is read from --token-file FILE (its first line) or, \
            without it, from standard input (one line). --token TOKEN also works, but every user of this \
            computer can read it in ps. Plain http:// is refused except to this computer (localhost, \
            127.0.0.0/8, ::1), unless --insecure-http is given.
            """,
            """
            sync-server agents enroll 给出的令牌从 --token-file 指定的文件（第一行）读取；未指定时从标准输入读取（一行）。\
            也可以用 --token 令牌，但本机所有用户都能在 ps 中看到它。除本机（localhost、127.0.0.0/8、::1）外，\
            不接受明文 http:// 地址，除非加上 --insecure-http。
            """
        )
    )
    @Option(
        help: ArgumentHelp(
            Console.localized(
                "The county server, e.g. https://sync.example.gov.cn",
                "县级服务器地址，例如 https://sync.example.gov.cn"
            )
        )
    )
    var server: String
    @Option(
        name: .customLong("token-file"),
        help: ArgumentHelp(
            Console.localized(
                "A file whose first line is the token from sync-server agents enroll.",
                "第一行为令牌（sync-server agents enroll 给出）的文件。"
            )
        )
    )
    var tokenFile: String?
    @Option(
        help: ArgumentHelp(
            Console.localized(
                "The token itself; other users can see it in ps, so prefer --token-file or standard input.",
                "直接给出令牌；其他用户可在 ps 中看到，建议改用 --token-file 或标准输入。"
            )
        )
    )
    var token: String?
    @Flag(
        name: .customLong("insecure-http"),
        help: ArgumentHelp(
            Console.localized(
                "Allow plain http:// to a server on another computer: the token and records travel unencrypted.",
                "允许以明文 http:// 连接其他计算机上的服务器：令牌和数据将不加密传输。"
            )
        )
    )
    var insecureHTTP = false
    @OptionGroup var data: DataDirectoryOption
    @OptionGroup var network: NetworkOptions

    func validate() throws {
        _ = try Self.address(server, insecureHTTP: insecureHTTP)
        guard token == nil || tokenFile == nil else {
            throw ValidationError(
                Console.localized(
                    "Give the token with --token or --token-file, not both.",
                    "--token 和 --token-file 只能选用一个。"
                )
            )
        }
    }

    /// The server's address, refused when it is not http(s), or when it would carry the token
    /// unencrypted off this machine without `--insecure-http`.
    static func address(_ server: String, insecureHTTP: Bool) throws -> ServerAddress {
        guard let address = ServerAddress(server) else {
            throw ValidationError(
                Console.localized(
                    "--server must be an http:// or https:// address.",
                    "--server 必须是 http:// 或 https:// 地址。"
                )
            )
        }
        guard !address.exposesToken || insecureHTTP else {
            throw ValidationError(
                Console.localized(
                    "--server \(server) would send the token unencrypted; use https://, or add --insecure-http if you accept that on this network.",
                    "--server \(server) 会以明文发送令牌；请使用 https://，如确认在此网络上接受该风险，请加上 --insecure-http。"
                )
            )
        }
        return address
    }

    func run() throws {
        let address = try Self.address(server, insecureHTTP: insecureHTTP)
        if token != nil { Console.error(EnrollToken.commandLineWarning) }
        if address.exposesToken {
            Console.error(
                LocalizedText(
                    "Warning: --insecure-http: the token and your area's records go to \(address.host) unencrypted; move to https:// as soon as the county can.",
                    zh: "警告：已使用 --insecure-http：令牌和辖区数据将以明文发送到 \(address.host)；县里具备条件后请尽快改用 https://。"
                )
            )
        }
        let home = data.home
        if let existing = try? home.database(), (try? existing.replicaState()) != nil {
            return try enrollAgain(existing, at: address, home: home)
        }
        let secret = try EnrollToken.read(option: token, file: tokenFile)
        let client = network.client(server: address, token: secret, rememberedCAFile: nil)
        let enrollment = try client.enroll()
        try home.create()
        // The credential first: a crash before the replica row leaves a folder enroll can redo.
        try home.saveCredential(secret)
        let database = try AgentDatabase.open(directory: home.path)
        try database.enroll(
            ReplicaState(
                serverURL: client.baseURL,
                caFile: network.caFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
                insecureHTTP: address.exposesToken,
                enrollment: enrollment
            )
        )
        Console.say(
            "Enrolled as \(enrollment.agentName) (replica \(enrollment.replica.rawValue)) for grid \(enrollment.gridId).",
            "已注册为 \(enrollment.agentName)（副本 \(enrollment.replica.rawValue)），负责网格 \(enrollment.gridId)。"
        )
        let summary = try home.withSyncLock { try SyncCommand.synchronizer(database, client).sync() }
        Console.say(
            "Downloaded \(summary.snapshotRecords) records of your area.",
            "已下载辖区数据 \(summary.snapshotRecords) 条。"
        )
    }

    /// Enrolls an already enrolled laptop again in place with a new token, keeping its records
    /// and edits: a copy takes a new identity, a laptop whose token the county's store no longer
    /// knows (restored from an older backup) keeps its own (``AgentDatabase/enrollAgain(as:at:)``).
    private func enrollAgain(_ database: AgentDatabase, at address: ServerAddress, home: AgentHome) throws {
        let replica = try database.replicaState()
        guard replica.mayEnrollAgain else { throw AgentError.alreadyEnrolled(home.path) }
        let secret = try EnrollToken.read(option: token, file: tokenFile)
        let client = network.client(server: address, token: secret, rememberedCAFile: replica.caFile)
        let enrollment = try client.enroll()
        try database.enrollAgain(as: enrollment, at: client.baseURL)
        try home.saveCredential(secret)
        Console.say(
            "Enrolled again as replica \(enrollment.replica.rawValue) (\(enrollment.agentName)); your records and unsent edits are kept.",
            "已重新注册为副本 \(enrollment.replica.rawValue)（\(enrollment.agentName)）；本机记录和未上传的修改均已保留。"
        )
        let summary = try home.withSyncLock { try SyncCommand.synchronizer(database, client).sync() }
        Console.say(
            "Synced: pushed \(summary.pushed), pulled \(summary.pulled).",
            "已同步：上传 \(summary.pushed) 条，下载 \(summary.pulled) 条。"
        )
    }
}
