import CCurl
import Shared

/// No complete answer arrived. Every kind but a refused certificate or TLS version, or an oversized
/// answer, is worth retrying.
package struct TransportError: ExplainedError, Equatable {
    enum Kind: Equatable {
        /// The server could not be found or reached (no network, wrong address, server down).
        case unreachable
        /// The link was too slow or stalled past the timeouts.
        case tooSlow
        /// The connection broke part way.
        case interrupted
        /// The server's certificate was not trusted.
        case certificate
        /// The server speaks only a TLS version older than 1.2, which the agent refuses.
        case oldTLS
        /// The answer was bigger than any page should be.
        case tooLarge
        case other
    }

    let kind: Kind
    /// libcurl's own words, for logs and `status`.
    let detail: String

    init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// Classifies libcurl's failure; `explanation` is its error buffer, which tells a refused TLS
    /// version apart from a refused certificate (both are `CURLE_SSL_CONNECT_ERROR` to OpenSSL builds).
    init(_ code: CURLcode, explanation: String = "") {
        let detail = String(cString: curl_easy_strerror(code))
        let lowered = explanation.lowercased()
        if code == CURLE_SSL_CONNECT_ERROR,
            lowered.contains("protocol version") || lowered.contains("unsupported protocol")
        {
            self.init(kind: .oldTLS, detail: explanation)
            return
        }
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            self.init(kind: .unreachable, detail: detail)
        case CURLE_OPERATION_TIMEDOUT:
            self.init(kind: .tooSlow, detail: detail)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM:
            self.init(kind: .certificate, detail: detail)
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE:
            self.init(kind: .interrupted, detail: detail)
        default:
            self.init(kind: .other, detail: detail)
        }
    }

    var isRetryable: Bool { ![.certificate, .oldTLS, .tooLarge].contains(kind) }

    /// What the worker reads, with what to do about it.
    var message: LocalizedText {
        switch kind {
        case .unreachable:
            LocalizedText(
                "Cannot reach the county server (\(detail)); check the network and try again later.",
                zh: "无法连接县级服务器（\(detail)）；请检查网络，稍后再试。"
            )
        case .tooSlow:
            LocalizedText(
                "The connection to the county server was too slow and timed out; try again where the signal is better.",
                zh: "与县级服务器的连接太慢而超时；请到信号较好的地方再试。"
            )
        case .interrupted:
            LocalizedText(
                "The connection to the county server broke off (\(detail)); nothing was lost, try again.",
                zh: "与县级服务器的连接中断（\(detail)）；数据没有丢失，请重试。"
            )
        case .certificate:
            LocalizedText(
                "The county server's certificate is not trusted (\(detail)); ask the county for its CA file and pass it with --ca-file.",
                zh: "县级服务器的证书不受信任（\(detail)）；请向县里索取 CA 证书文件，并用 --ca-file 指定。"
            )
        case .oldTLS:
            LocalizedText(
                "The county server offers only TLS older than 1.2 (\(detail)), which is not safe for your token; ask the county operator to update the server.",
                zh: "县级服务器只支持低于 1.2 版本的 TLS（\(detail)），不足以保护本机令牌；请联系县级管理员升级服务器。"
            )
        case .tooLarge:
            LocalizedText(
                "The county server sent an answer that is too large (\(detail)); tell the county operator.",
                zh: "县级服务器返回的数据过大（\(detail)）；请告知县级管理员。"
            )
        case .other:
            LocalizedText(
                "The request to the county server failed (\(detail)); try again later.",
                zh: "向县级服务器发送请求失败（\(detail)）；请稍后再试。"
            )
        }
    }
}
