import CCurl
import Shared
import Testing

@testable import GridSyncAgent

/// libcurl reports a refused TLS version and a refused certificate with the same code; the worker
/// must be told which, and neither is worth retrying.
@Suite struct TransportErrorTests {
    @Test func anOldTLSVersionIsToldApartFromAnUntrustedCertificate() {
        let old = TransportError(
            CURLE_SSL_CONNECT_ERROR,
            explanation: "OpenSSL/3.0.19: error:0A00042E:SSL routines::tlsv1 alert protocol version"
        )
        #expect(old.kind == .oldTLS && !old.isRetryable)
        #expect(old.message.english.contains("older than 1.2") && old.message.chinese.contains("1.2"))

        let untrusted = TransportError(
            CURLE_SSL_CONNECT_ERROR,
            explanation: "OpenSSL/3.0.19: error:0A000086:SSL routines::certificate verify failed"
        )
        #expect(untrusted.kind == .certificate && !untrusted.isRetryable)
        #expect(TransportError(CURLE_COULDNT_CONNECT).isRetryable)
    }
}
