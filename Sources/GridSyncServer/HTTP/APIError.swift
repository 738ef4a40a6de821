import Foundation
import Hummingbird
import Shared

/// An error answer: an HTTP status and an ``ErrorBody`` with a stable code and one sentence in each language.
struct APIError: HTTPResponseError {
    let body: ErrorBody
    /// Seconds the client should wait before trying again, sent as `Retry-After`.
    var retryAfter: Int?
    /// The methods the path takes, sent as `Allow` with `405`.
    var allowed: [HTTPRequest.Method]?

    init(_ error: some CodedError, dots: [Dot]? = nil) {
        body = ErrorBody(error, dots: dots)
    }

    init(_ error: ExchangeError) {
        body = ErrorBody(error, dots: error.dots)
    }

    init(code: ErrorCode, _ message: LocalizedText) {
        body = ErrorBody(code: code, message: message)
    }

    var status: HTTPResponse.Status { allowed == nil ? Self.status(for: body.code) : .methodNotAllowed }

    /// The HTTP status each error code travels with (protocol/README.md lists the same table).
    static func status(for code: ErrorCode) -> HTTPResponse.Status {
        switch code {
        case .malformedBody, .unknownKind, .unknownField, .missingDependency, .unsupportedVersion: .badRequest
        case .invalidValue, .clockDrift: .unprocessableContent
        case .payloadTooLarge: .contentTooLarge
        case .unauthorized: .unauthorized
        case .outOfScope, .notPermitted, .setAside: .forbidden
        case .serverBusy: .serviceUnavailable
        case .tooManyRequests: .tooManyRequests
        case .resyncRequired, .replicaCopied, .storeRolledBack: .conflict
        case .notFound: .notFound
        case .internalError: .internalServerError
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = WireBody.json(CanonicalJSON.encode(body), for: request)
        response.status = status
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        if let allowed { response.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ") }
        return response
    }

    static let payloadTooLarge = APIError(
        code: .payloadTooLarge,
        LocalizedText(
            "The request body is larger than the server accepts; send the outbox in smaller batches.",
            zh: "请求内容超过服务器允许的大小，请分成较小的批次发送。"
        )
    )

    static func busy(retryAfter: Int) -> APIError {
        var error = APIError(
            code: .serverBusy,
            LocalizedText(
                "The county server is busy with other laptops; this one will try again in a moment.",
                zh: "县级服务器正忙于其他终端的同步，本机稍后会自动重试。"
            )
        )
        error.retryAfter = retryAfter
        return error
    }

    static func agentBusy(retryAfter: Int) -> APIError {
        var error = APIError(
            code: .tooManyRequests,
            LocalizedText(
                "This laptop already has a sync in progress on the server; it will try again in a moment.",
                zh: "本机已有一次同步正在服务器上处理，稍后会自动重试。"
            )
        )
        error.retryAfter = retryAfter
        return error
    }

    static func malformedBody(_ detail: String) -> APIError {
        APIError(
            code: .malformedBody,
            LocalizedText(
                "The request body is not valid gzip-compressed JSON (\(detail)).",
                zh: "请求内容不是有效的 gzip 压缩 JSON（\(detail)）。"
            )
        )
    }

    static let notFound = APIError(code: .notFound, LocalizedText("There is nothing at this address.", zh: "该地址不存在。"))

    /// A path that exists asked with a method it does not take: `405` with `Allow`, code `not_found`
    /// (what was asked for does not exist; the client must not retry it unchanged).
    static func methodNotAllowed(allowed: [HTTPRequest.Method]) -> APIError {
        let names = allowed.map(\.rawValue).joined(separator: ", ")
        var error = APIError(
            code: .notFound,
            LocalizedText("This address answers only \(names).", zh: "该地址只接受 \(names) 请求。")
        )
        error.allowed = allowed
        return error
    }
}
