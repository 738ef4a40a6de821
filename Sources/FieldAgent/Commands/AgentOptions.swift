import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncAgent
import Shared

/// `--data-dir`: where the replica lives (else `FIELD_AGENT_HOME`, else a per-user default).
struct DataDirectoryOption: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            Console.localized(
                "The replica's folder (default: $FIELD_AGENT_HOME, else ~/.local/share/field-agent).",
                "本机数据目录（默认：$FIELD_AGENT_HOME，否则 ~/.local/share/field-agent）。"
            )
        )
    ) var dataDirectory: String?

    var home: AgentHome { AgentHome.resolve(dataDirectory) }

    func database() throws -> AgentDatabase { try home.database() }
}

/// How the agent reaches the server over a weak link.
struct NetworkOptions: ParsableArguments {
    @Option(
        name: .customLong("ca-file"),
        help: ArgumentHelp(
            Console.localized(
                "The county's certificate authority (PEM), remembered for later syncs.",
                "县级自建证书颁发机构的证书（PEM），之后的同步会沿用。"
            )
        )
    ) var caFile: String?
    @Option(
        help: ArgumentHelp(
            Console.localized("Tries per request before giving up (default 6).", "每个请求放弃前的尝试次数（默认 6）。")
        )
    ) var attempts = 6
    @Option(
        name: .customLong("retry-delay"),
        help: ArgumentHelp(
            Console.localized(
                "Seconds before the first retry; each later wait doubles, with jitter (default 1).",
                "首次重试前等待的秒数；之后每次加倍并随机抖动（默认 1）。"
            )
        )
    ) var retryDelay = 1.0

    func validate() throws {
        guard attempts >= 1 else {
            throw ValidationError(Console.localized("--attempts must be at least 1.", "--attempts 至少为 1。"))
        }
        guard retryDelay >= 0 else {
            throw ValidationError(Console.localized("--retry-delay cannot be negative.", "--retry-delay 不能为负数。"))
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw ValidationError(Console.localized("Cannot read the CA file \(caFile).", "无法读取 CA 证书文件 \(caFile)。"))
        }
    }

    /// A client for the server this replica is enrolled with, holding its credential; plain http
    /// off this machine only when the worker accepted it at enrollment (`--insecure-http`).
    func client(for home: AgentHome, _ database: AgentDatabase) throws -> ServerClient {
        let replica = try database.replicaState()
        return client(
            server: try replica.acceptedServer(),
            token: try home.credential(),
            rememberedCAFile: replica.caFile
        )
    }

    /// A client for `server`, with the CA file given here or remembered at enrollment; the caller
    /// has judged the address (``ServerAddress/exposesToken``).
    func client(server: ServerAddress, token: String, rememberedCAFile: String?) -> ServerClient {
        var settings = TransportSettings()
        settings.caFile = caFile ?? rememberedCAFile
        settings.bypassProxy = server.isLoopback
        return ServerClient(
            baseURL: server.url,
            token: token,
            settings: settings,
            retry: RetryPolicy(attempts: attempts, baseDelay: retryDelay)
        )
    }
}

/// `--set key=value`, `--add key=value` and `--remove key=value`, read by the record type's schema.
enum FieldInput {
    /// Reads `key=value` pairs into field values, typed by the schema: numbers for integer fields,
    /// true/false for yes/no fields, text otherwise; an empty value clears the field.
    static func values(_ pairs: [String], type: RecordType) throws -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        for pair in pairs {
            let (name, text) = try split(pair)
            let spec = try type.schema.field(name)
            fields[name] = try value(text, rule: spec.rule, field: name)
        }
        return fields
    }

    static func split(_ pair: String) throws -> (String, String) {
        guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
            throw ModelError.invalid(
                LocalizedText(
                    "\"\(pair)\" must be written key=value, for example phone=13800000001.",
                    zh: "“\(pair)”必须写成 键=值，例如 phone=13800000001。"
                )
            )
        }
        return (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
    }

    private static func value(_ text: String, rule: ValueRule, field: String) throws -> FieldValue {
        if text.isEmpty { return .null }
        switch rule {
        case .integer:
            guard let number = Int64(text) else { throw ModelError.invalidValue(field: field, reason: .type) }
            return .integer(number)
        case .boolean:
            switch text.lowercased() {
            case "true", "yes", "1", "是": return .boolean(true)
            case "false", "no", "0", "否": return .boolean(false)
            default: throw ModelError.invalidValue(field: field, reason: .type)
            }
        case .residentIDNumber:
            return .string(text.uppercased())  // one spelling per number: an uppercase X
        default:
            return .string(text)
        }
    }
}
