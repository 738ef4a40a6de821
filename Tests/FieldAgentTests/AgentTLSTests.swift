import Foundation
import GridSyncTestSupport
import Testing

@testable import GridSyncAgent

/// A county with its own certificate authority: the agent trusts the server only with `--ca-file`,
/// remembers the file for later syncs, and speaks nothing older than TLS 1.2.
@Suite struct AgentTLSTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "gridsync-agent-tls-\(UUID().uuidString)"
    )

    @Test(.timeLimit(.minutes(1)))
    func theAgentSyncsOverHTTPSWithTheCountysCAFile() async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = try TestCertificate.make(in: folder)

        let data = folder.appendingPathComponent("data").path
        let csv = folder.appendingPathComponent("grids.csv")
        try (LiveCounty.gridCSV + "\n").write(to: csv, atomically: true, encoding: .utf8)
        #expect(
            try BuiltBinary.syncServer.run(["grids", "import", csv.path, "--data-dir", data], scratch: folder).status
                == 0
        )
        let token = try BuiltBinary.syncServer.run(
            ["agents", "enroll", "--grid", "c-1-1-1-1", "--data-dir", data],
            scratch: folder
        ).lastLine
        let server = try await ServerProcess.serve(
            dataDirectory: data,
            logs: folder,
            generation: 1,
            environment: certificate.serverEnvironment,
            health: { _ in true }
        )
        defer { server.killNow() }
        let url = "https://127.0.0.1:\(server.port)"
        let agent = folder.appendingPathComponent("agent").path

        let untrusted = try BuiltBinary.fieldAgent.run(
            ["enroll", "--server", url, "--data-dir", agent, "--attempts", "1"],
            scratch: folder,
            input: token + "\n"
        )
        #expect(untrusted.status == 1)
        #expect(untrusted.stderr.contains("--ca-file"), "the refusal says what to do: \(untrusted.stderr)")

        let enrolled = try BuiltBinary.fieldAgent.run(
            ["enroll", "--server", url, "--data-dir", agent, "--ca-file", certificate.certificatePath],
            scratch: folder,
            input: token + "\n"
        )
        #expect(enrolled.status == 0, "\(enrolled.stderr)")
        let added = try BuiltBinary.fieldAgent.run(
            ["household", "add", "--grid", "c-1-1-1-1", "--address", "一组1号", "--head", "包金山", "--data-dir", agent],
            scratch: folder
        )
        #expect(added.status == 0)
        let synced = try BuiltBinary.fieldAgent.run(["sync", "--json", "--data-dir", agent], scratch: folder)
        #expect(synced.status == 0, "the CA file given at enrollment is remembered: \(synced.stderr)")
        #expect(synced.stdout.contains("\"pushed\" : 1"))
    }

    /// A server that speaks only TLS 1.1 gets no handshake from the agent, even where the machine's
    /// OpenSSL would allow 1.1 (here by a permissive `OPENSSL_CONF`, under which `openssl s_client`
    /// connects), and the worker is told why, not sent after a CA file.
    @Test(.timeLimit(.minutes(1)))
    func theAgentRefusesAServerOlderThanTLS12() async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try OpenSSLServer(version: "-tls1_1", in: folder)
        defer { server.stop() }
        try #require(try server.acceptsHandshake("-tls1_1"), "OpenSSL here allows TLS 1.1")

        let tokenFile = folder.appendingPathComponent("token").path
        try "gs_test\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let agent = folder.appendingPathComponent("agent").path
        let refused = try BuiltBinary.fieldAgent.run(
            [
                "enroll", "--server", "https://127.0.0.1:\(server.port)", "--token-file", tokenFile,
                "--ca-file", server.certificate.certificatePath, "--data-dir", agent, "--attempts", "1",
            ],
            scratch: folder,
            environment: ["OPENSSL_CONF": server.permissiveConfiguration]
        )
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("older than 1.2"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "one sentence: \(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: agent), "nothing was enrolled")
    }

    /// TLS 1.2 itself is spoken: the agent's transport gets an answer from a 1.2-only server.
    @Test(.timeLimit(.minutes(1)))
    func theAgentSpeaksTLS12() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try OpenSSLServer(version: "-tls1_2", in: folder)
        defer { server.stop() }
        var settings = TransportSettings()
        settings.caFile = server.certificate.certificatePath
        let answer = try CurlTransport(settings: settings).perform(
            "GET",
            "https://127.0.0.1:\(server.port)/",
            headers: []
        )
        #expect(answer.status == 200)
    }
}
