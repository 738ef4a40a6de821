import Foundation
import GridSyncTestSupport
import Testing

/// A county with its own certificate authority: the agent trusts the server only with `--ca-file`,
/// and remembers the file for later syncs.
@Suite struct AgentTLSTests {
    @Test(.timeLimit(.minutes(1)))
    func theAgentSyncsOverHTTPSWithTheCountysCAFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gridsync-agent-tls-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = folder.appendingPathComponent("server.key").path
        let certificate = folder.appendingPathComponent("server.crt").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl could not make a test certificate")

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
            environment: ["SYNC_SERVER_TLS_CERT": certificate, "SYNC_SERVER_TLS_KEY": key],
            health: { _ in true }
        )
        defer { server.killNow() }
        let url = "https://127.0.0.1:\(server.port)"
        let agent = folder.appendingPathComponent("agent").path

        let untrusted = try BuiltBinary.fieldAgent.run(
            ["enroll", "--server", url, "--token", token, "--data-dir", agent, "--attempts", "1"],
            scratch: folder
        )
        #expect(untrusted.status == 1)
        #expect(untrusted.stderr.contains("--ca-file"), "the refusal says what to do: \(untrusted.stderr)")

        let enrolled = try BuiltBinary.fieldAgent.run(
            ["enroll", "--server", url, "--token", token, "--data-dir", agent, "--ca-file", certificate],
            scratch: folder
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
}
