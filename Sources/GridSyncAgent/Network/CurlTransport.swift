import CCurl
import Foundation
import Shared

/// What a rural link allows, and what the agent gives up on.
package struct TransportSettings: Sendable {
    var connectTimeoutSeconds = 20
    /// A transfer slower than this many bytes per second for ``lowSpeedSeconds`` is abandoned and
    /// retried, rather than left hanging on a dead mobile link.
    var lowSpeedBytesPerSecond = 30
    var lowSpeedSeconds = 60
    /// The most one request may take, however it trickles.
    var totalTimeoutSeconds = 900
    /// The county's private certificate authority (PEM), when its certificate is not publicly trusted.
    package var caFile: String?
    /// An answer bigger than this is refused (a page is far smaller).
    var maxResponseBytes = 128 << 20
    /// Connect straight to the server whatever the proxy variables say: set for a server on this
    /// machine, which a proxy could not reach and must not see the token on its way to.
    package var bypassProxy = false

    package init() {}
}

/// One HTTP answer.
struct HTTPResponse: Sendable {
    let status: Int
    let contentEncoding: String?
    /// The seconds a busy server asked the agent to wait (`Retry-After` on 429 and 503).
    var retryAfterSeconds: Int? = nil
    let body: Data
}

/// HTTP through libcurl, the system's `libcurl4-openssl-dev`: it honours the usual proxy
/// variables (`https_proxy`, `no_proxy`, …), keeps the connection alive between the pages of one
/// sync, and gives the timeouts a weak link needs.
final class CurlTransport {
    private let handle: UnsafeMutableRawPointer
    private let settings: TransportSettings
    /// libcurl's own account of the last failure, finer than its error code (which TLS step failed).
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    init(settings: TransportSettings) {
        _ = Self.globalInit
        handle = curl_easy_init()
        self.settings = settings
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Performs one request and returns the answer, whatever its status.
    ///
    /// - Throws: ``TransportError`` when no complete answer arrived (refused, reset, timed out, too slow).
    func perform(
        _ method: String,
        _ url: String,
        headers: [String],
        body: Data? = nil
    ) throws(TransportError) -> HTTPResponse {
        curl_easy_reset(handle)
        let sink = ResponseSink(limit: settings.maxResponseBytes)
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        var list: UnsafeMutablePointer<curl_slist>?
        for header in headers { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }

        gs_curl_setopt_string(handle, CURLOPT_URL, url)
        gs_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        gs_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, settings.connectTimeoutSeconds)
        gs_curl_setopt_long(handle, CURLOPT_TIMEOUT, settings.totalTimeoutSeconds)
        gs_curl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, settings.lowSpeedBytesPerSecond)
        gs_curl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, settings.lowSpeedSeconds)
        gs_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
        // TLS 1.0 and 1.1 are deprecated (RFC 8996); the token must not travel over them, whatever
        // the system's OpenSSL policy would allow.
        gs_curl_setopt_long(handle, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))
        errorBuffer[0] = 0
        gs_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        if let caFile = settings.caFile { gs_curl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        if settings.bypassProxy { gs_curl_setopt_string(handle, CURLOPT_NOPROXY, "*") }
        gs_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, list.map(UnsafeMutableRawPointer.init))
        gs_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue().append(data, size * count)
        }
        gs_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
        gs_curl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue().header(data, size * count)
        }
        gs_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context.toOpaque())

        let code: CURLcode
        if let body {
            code = body.withUnsafeBytes { bytes in
                gs_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
                gs_curl_setopt_long(handle, CURLOPT_POST, 1)
                gs_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
                gs_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                return curl_easy_perform(handle)
            }
        } else {
            gs_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
            code = curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            if sink.overLimit {
                throw TransportError(kind: .tooLarge, detail: "answer over \(settings.maxResponseBytes) bytes")
            }
            throw TransportError(code, explanation: String(cString: errorBuffer))
        }
        var status = 0
        gs_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(
            status: status,
            contentEncoding: sink.contentEncoding,
            retryAfterSeconds: sink.retryAfterSeconds,
            body: sink.body
        )
    }
}

/// Collects one answer's body and the header the agent needs, refusing more than the limit.
private final class ResponseSink {
    var body = Data()
    var contentEncoding: String?
    var retryAfterSeconds: Int?
    var overLimit = false
    let limit: Int

    init(limit: Int) { self.limit = limit }

    func append(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard body.count + count <= limit else {
            overLimit = true
            return 0  // makes libcurl stop with a write error
        }
        if let data { body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: count) }
        return count
    }

    func header(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let data else { return count }
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: count), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            // A new answer (after a redirect or 100 Continue) starts over.
            contentEncoding = nil
            retryAfterSeconds = nil
        } else if let colon = line.firstIndex(of: ":") {
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            switch line[..<colon].lowercased() {
            case "content-encoding": contentEncoding = value.lowercased()
            case "retry-after": retryAfterSeconds = Int(value.prefix(6))  // seconds; a date form is ignored
            default: break
            }
        }
        return count
    }
}
