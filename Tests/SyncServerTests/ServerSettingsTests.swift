import Configuration
import Foundation
import Shared
import Testing

@testable import GridSyncServer

/// Settings come from flags, then `SYNC_SERVER_*` variables, then the JSON file, then defaults.
@Suite struct ServerSettingsTests {
    func file(_ json: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gridsync-settings-\(UUID().uuidString).json"
        ).path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func defaultsApplyWhenNothingIsSaid() async throws {
        let settings = try await ServerSettings.load(flags: [:], environment: [:], configFile: nil)
        #expect(settings == ServerSettings())
    }

    @Test func flagsBeatEnvironmentWhichBeatsTheFile() async throws {
        let path = try file(
            #"{"http": {"port": 7001, "host": "0.0.0.0"}, "data": "/from/file", "oplog": {"retentionDays": 30}}"#
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let environment = ["SYNC_SERVER_HTTP_PORT": "7002", "SYNC_SERVER_DATA": "/from/env"]
        let settings = try await ServerSettings.load(
            flags: ["http.port": ConfigValue(.int(7003), isSecret: false)],
            environment: environment,
            configFile: path
        )
        #expect(settings.port == 7003)
        #expect(settings.dataDirectory == "/from/env")
        #expect(settings.host == "0.0.0.0")
        #expect(settings.retentionDays == 30)
        let withoutFlag = try await ServerSettings.load(flags: [:], environment: environment, configFile: path)
        #expect(withoutFlag.port == 7002)
    }

    @Test func aBadValueIsRefusedWithTheKeyNamed() async throws {
        await #expect(throws: ModelError.self) {
            try await ServerSettings.load(flags: [:], environment: ["SYNC_SERVER_HTTP_PORT": "eighty"], configFile: nil)
        }
        let error = await #expect(throws: ModelError.self) {
            try await ServerSettings.load(flags: [:], environment: ["SYNC_SERVER_SYNC_PAGE_SIZE": "0"], configFile: nil)
        }
        #expect(error?.message.english.contains("sync.pageSize") == true)
    }

    @Test func tlsNeedsBothFilesAndAMissingConfigFileIsAnError() async throws {
        await #expect(throws: ModelError.self) {
            try await ServerSettings.load(flags: [:], environment: ["SYNC_SERVER_TLS_CERT": "/x.crt"], configFile: nil)
        }
        await #expect(throws: ModelError.self) {
            try await ServerSettings.load(flags: [:], environment: [:], configFile: "/no/such/file.json")
        }
    }
}
