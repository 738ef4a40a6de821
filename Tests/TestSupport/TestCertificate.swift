public import Foundation

/// A self-signed certificate for 127.0.0.1, made by `openssl` for one test: what a county with its
/// own certificate authority gives its server (and, as `--ca-file`, its agents).
public struct TestCertificate: Sendable {
    /// The private key, PEM.
    public let keyPath: String
    /// The certificate, PEM; also the CA file that trusts it.
    public let certificatePath: String

    /// Writes `server.key` and `server.crt` into `folder`.
    public static func make(in folder: URL) throws -> TestCertificate {
        let certificate = TestCertificate(
            keyPath: folder.appendingPathComponent("server.key").path,
            certificatePath: folder.appendingPathComponent("server.crt").path
        )
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", certificate.keyPath,
            "-out", certificate.certificatePath, "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else {
            throw ServerProcessError("openssl could not make a test certificate.")
        }
        return certificate
    }

    /// The environment that makes `sync-server serve` speak HTTPS with this certificate.
    public var serverEnvironment: [String: String] {
        ["SYNC_SERVER_TLS_CERT": certificatePath, "SYNC_SERVER_TLS_KEY": keyPath]
    }
}
