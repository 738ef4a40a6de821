package import Configuration
import Foundation
import Shared
import SystemPackage

extension ServerSettings {
    /// Reads the settings: command-line flags, then `SYNC_SERVER_*` environment variables, then
    /// the JSON file, then the defaults. Keys are scoped (`http.port`); the environment spells them
    /// `SYNC_SERVER_HTTP_PORT`, and the data directory is `SYNC_SERVER_DATA`.
    ///
    /// - Throws: ``ModelError`` naming the key whose value is not usable.
    package static func load(
        flags: [AbsoluteConfigKey: ConfigValue],
        environment: [String: String],
        configFile: String?
    ) async throws -> ServerSettings {
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: flags),
            KeyMappingProvider(upstream: EnvironmentVariablesProvider(environmentVariables: environment)) {
                $0.prepending(["syncServer"])
            },
        ]
        if let configFile {
            guard FileManager.default.fileExists(atPath: configFile) else {
                throw ModelError.invalid(
                    LocalizedText("The configuration file \(configFile) does not exist.", zh: "配置文件 \(configFile) 不存在。")
                )
            }
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(configFile)))
            } catch {
                throw ModelError.invalid(
                    LocalizedText(
                        "The configuration file \(configFile) is not valid JSON.",
                        zh: "配置文件 \(configFile) 不是有效的 JSON。"
                    )
                )
            }
        }
        let reader = ConfigReader(providers: providers)
        var settings = ServerSettings()
        settings.dataDirectory = reader.string(forKey: "data") ?? settings.dataDirectory
        settings.host = reader.string(forKey: "http.host") ?? settings.host
        settings.port = try integer(reader, "http.port", in: 0...65535) ?? settings.port
        settings.tlsCertificate = reader.string(forKey: "tls.cert")
        settings.tlsKey = reader.string(forKey: "tls.key")
        settings.logLevel = reader.string(forKey: "log.level") ?? settings.logLevel
        settings.maxBodyBytes = try integer(reader, "sync.maxBodyBytes", in: 1024...(1 << 30)) ?? settings.maxBodyBytes
        settings.maxInflatedBytes =
            try integer(reader, "sync.maxInflatedBytes", in: 1024...(1 << 31)) ?? settings.maxInflatedBytes
        settings.maxBatchOperations =
            try integer(reader, "sync.maxBatchOperations", in: 1...WireLimits.maxOperations)
            ?? settings.maxBatchOperations
        settings.maxConcurrentExchanges =
            try integer(reader, "sync.maxConcurrentExchanges", in: 1...10_000) ?? settings.maxConcurrentExchanges
        settings.idleTimeoutSeconds =
            try integer(reader, "http.idleTimeoutSeconds", in: 1...86_400) ?? settings.idleTimeoutSeconds
        settings.requestTimeoutSeconds =
            try integer(reader, "http.requestTimeoutSeconds", in: 1...86_400) ?? settings.requestTimeoutSeconds
        settings.maxConnections =
            try integer(reader, "http.maxConnections", in: 1...1_000_000) ?? settings.maxConnections
        settings.pageSize = try integer(reader, "sync.pageSize", in: 1...WireLimits.maxOperations) ?? settings.pageSize
        settings.snapshotPageSize =
            try integer(reader, "sync.snapshotPageSize", in: 1...100_000) ?? settings.snapshotPageSize
        settings.maxDriftSeconds =
            try integer(reader, "sync.maxDriftSeconds", in: 1...86_400) ?? settings.maxDriftSeconds
        settings.registryPrefix = reader.string(forKey: "county.registryPrefix") ?? settings.registryPrefix
        settings.retentionDays = try integer(reader, "oplog.retentionDays", in: 1...3650) ?? settings.retentionDays
        settings.compactionIntervalSeconds =
            try integer(reader, "oplog.compactionIntervalSeconds", in: 1...86_400) ?? settings.compactionIntervalSeconds
        settings.escalationIntervalSeconds =
            try integer(reader, "incidents.escalationIntervalSeconds", in: 1...86_400)
            ?? settings.escalationIntervalSeconds
        if (settings.tlsCertificate == nil) != (settings.tlsKey == nil) {
            throw ModelError.invalid(
                LocalizedText(
                    "TLS needs both a certificate (tls.cert) and a key (tls.key).",
                    zh: "启用 TLS 需要同时提供证书（tls.cert）和私钥（tls.key）。"
                )
            )
        }
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(settings.logLevel) else {
            throw ModelError.invalid(
                LocalizedText(
                    "log.level must be trace, debug, info, notice, warning, error or critical.",
                    zh: "log.level 必须是 trace、debug、info、notice、warning、error 或 critical。"
                )
            )
        }
        return settings
    }

    /// A whole-number setting, refusing text that is not one or a number out of range.
    private static func integer(
        _ reader: ConfigReader,
        _ key: AbsoluteConfigKey,
        in range: ClosedRange<Int>
    ) throws -> Int? {
        let value = reader.int(forKey: ConfigKey(key.components))
        if value == nil, reader.string(forKey: ConfigKey(key.components)) == nil { return nil }
        guard let value, range.contains(value) else {
            throw ModelError.invalid(
                LocalizedText(
                    "The setting \(key) must be a whole number from \(range.lowerBound) to \(range.upperBound).",
                    zh: "配置项 \(key) 必须是 \(range.lowerBound) 到 \(range.upperBound) 之间的整数。"
                )
            )
        }
        return value
    }
}
