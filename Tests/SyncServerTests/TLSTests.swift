import AsyncHTTPClient
import Foundation
import GridSyncTestSupport
import NIOCore
import NIOHTTP1
import NIOSSL
import Shared
import Testing

/// With `tls.cert` and `tls.key` the daemon speaks HTTPS and nothing else, and no TLS older than 1.2.
@Suite struct TLSTests {
    @Test(.timeLimit(.minutes(1)))
    func theDaemonServesHTTPSWithTheConfiguredCertificate() async throws {
        try await Self.withHTTPSDaemon { server in
            let banner = try String(contentsOfFile: server.stdoutPath, encoding: .utf8)
            #expect(banner.contains("https://127.0.0.1:\(server.port)"))
            let client = Self.client()
            defer { _ = client.shutdown() }
            #expect(try await Self.status(client, "https://127.0.0.1:\(server.port)/health").get() == 200)
            #expect(
                (try? await Self.status(client, "http://127.0.0.1:\(server.port)/health").get()) == nil,
                "plain HTTP is not answered"
            )
        }
    }

    /// TLS 1.0 and 1.1 are deprecated (RFC 8996): a client that offers nothing newer gets no
    /// handshake, while 1.2 and 1.3 are served. The clients are NIOSSL's own BoringSSL, which speaks
    /// every version it is asked to, so the refusal is the daemon's.
    @Test(.timeLimit(.minutes(1)))
    func onlyTLS12AndNewerAreServed() async throws {
        try await Self.withHTTPSDaemon { server in
            for (version, served) in [(TLSVersion.tlsv1, false), (.tlsv11, false), (.tlsv12, true), (.tlsv13, true)] {
                let client = Self.client(exactly: version)
                defer { _ = client.shutdown() }
                let answer = await Self.status(client, "https://127.0.0.1:\(server.port)/health")
                if served {
                    #expect((try? answer.get()) == 200, "TLS \(version) is served: \(answer)")
                } else {
                    #expect(throws: NIOSSLError.self, "TLS \(version) fails the handshake") { try answer.get() }
                }
            }
        }
    }

    /// A daemon serving HTTPS with a fresh self-signed certificate, killed and its folder removed after `body`.
    static func withHTTPSDaemon(_ body: (ServerProcess) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gridsync-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = try TestCertificate.make(in: folder)
        let probe = client()
        defer { _ = probe.shutdown() }
        let server = try await ServerProcess.serve(
            dataDirectory: folder.appendingPathComponent("data").path,
            logs: folder,
            generation: 1,
            environment: certificate.serverEnvironment,
            health: { port in (try? await status(probe, "https://127.0.0.1:\(port)/health").get()) == 200 }
        )
        defer { server.killNow() }
        try await body(server)
    }

    /// A client that does not check the self-signed certificate, offering only `version` when given.
    static func client(exactly version: TLSVersion? = nil) -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        if let version {
            tls.minimumTLSVersion = version
            tls.maximumTLSVersion = version
        }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
    }

    /// The status of `GET url`, or why there was none.
    static func status(_ client: HTTPClient, _ url: String) async -> Result<UInt, any Error> {
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(2))
            _ = try? await response.body.collect(upTo: 1 << 16)
            return .success(response.status.code)
        } catch {
            return .failure(error)
        }
    }
}
