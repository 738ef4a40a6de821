import Foundation
import GridSyncTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `openssl s_server -www` on a free loopback port, speaking exactly one TLS version: a county
/// server that has not been updated, which no part of GridSync can be made to play.
///
/// OpenSSL 3 refuses TLS 1.0 and 1.1 at its default security level, in the server as in every
/// libcurl linked to it, so the server runs under a configuration that allows them
/// (``permissiveConfiguration``); given to a client as `OPENSSL_CONF`, only the client's own
/// choice can then refuse.
final class OpenSSLServer {
    let port: Int
    /// The server's self-signed certificate, also the CA file that trusts it.
    let certificate: TestCertificate
    /// The permissive OpenSSL configuration the server runs under, for a client's `OPENSSL_CONF`.
    let permissiveConfiguration: String
    private let process: Process

    /// Starts the server with `-tls1_1`, `-tls1_2` or the like, its certificate, configuration and
    /// output in `folder`, and waits for its `ACCEPT` line.
    init(version flag: String, in folder: URL) throws {
        certificate = try TestCertificate.make(in: folder)
        permissiveConfiguration = try Self.writePermissiveConfiguration(in: folder)
        let out = folder.appendingPathComponent("s_server-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "s_server", "-accept", "127.0.0.1:0", "-cert", certificate.certificatePath, "-key", certificate.keyPath,
            flag, "-www",
        ]
        process.environment = ["OPENSSL_CONF": permissiveConfiguration, "PATH": "/usr/bin:/bin"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        var found: Int?
        while found == nil && Date() < deadline && process.isRunning {
            let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            found = text.split(separator: "\n").first { $0.hasPrefix("ACCEPT ") }
                .flatMap { $0.split(separator: ":").last }.flatMap { Int($0) }
            if found == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        guard let found else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw ServerProcessError("openssl s_server \(flag) did not start listening.")
        }
        self.process = process
        port = found
    }

    deinit { stop() }

    /// SIGKILL: children of the test runner inherit its blocked SIGTERM, and s_server keeps nothing.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// An OpenSSL configuration that allows TLS 1.0 and 1.1 (security level 0), written into `folder`.
    private static func writePermissiveConfiguration(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("openssl-permissive.cnf").path
        try """
        openssl_conf = openssl_init
        [openssl_init]
        ssl_conf = ssl_sect
        [ssl_sect]
        system_default = system_default_sect
        [system_default_sect]
        MinProtocol = TLSv1
        CipherString = DEFAULT@SECLEVEL=0
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Whether `openssl s_client` with `flag` completes a handshake here under the permissive
    /// configuration: the proof that the machine's OpenSSL would allow that version.
    func acceptsHandshake(_ flag: String) throws -> Bool {
        let client = Process()
        client.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        client.arguments = ["s_client", "-connect", "127.0.0.1:\(port)", flag]
        client.environment = ["OPENSSL_CONF": permissiveConfiguration, "PATH": "/usr/bin:/bin"]
        client.standardInput = FileHandle.nullDevice
        client.standardOutput = FileHandle.nullDevice
        client.standardError = FileHandle.nullDevice
        try client.run()
        client.waitUntilExit()
        return client.terminationStatus == 0
    }
}
