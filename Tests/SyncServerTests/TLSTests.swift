import AsyncHTTPClient
import Foundation
import GridSyncTestSupport
import NIOCore
import NIOHTTP1
import NIOSSL
import Shared
import Testing

/// With `tls.cert` and `tls.key` the daemon speaks HTTPS and nothing else.
@Suite struct TLSTests {
    @Test(.timeLimit(.minutes(1)))
    func theDaemonServesHTTPSWithTheConfiguredCertificate() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gridsync-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = folder.appendingPathComponent("server.key").path
        let certificate = folder.appendingPathComponent("server.crt").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1", "-subj",
            "/CN=127.0.0.1",
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl could not make a test certificate")

        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        defer { _ = client.shutdown() }
        @Sendable func status(_ url: String) async -> UInt? {
            guard let response = try? await client.execute(HTTPClientRequest(url: url), timeout: .seconds(2)) else {
                return nil
            }
            _ = try? await response.body.collect(upTo: 1 << 16)
            return response.status.code
        }

        let server = try await ServerProcess.serve(
            dataDirectory: folder.appendingPathComponent("data").path,
            logs: folder,
            generation: 1,
            environment: ["SYNC_SERVER_TLS_CERT": certificate, "SYNC_SERVER_TLS_KEY": key],
            health: { port in await status("https://127.0.0.1:\(port)/health") == 200 }
        )
        defer { server.killNow() }
        let banner = try String(contentsOfFile: server.stdoutPath, encoding: .utf8)
        #expect(banner.contains("https://127.0.0.1:\(server.port)"))
        #expect(await status("http://127.0.0.1:\(server.port)/health") == nil, "plain HTTP is not answered")
    }
}
