import Foundation
package import Shared

/// The county server as the agent reaches it: enrollment, the sync exchange and snapshot pages,
/// each retried with backoff when a weak link breaks it.
package final class ServerClient {
    package let baseURL: String
    private let token: String
    private let transport: CurlTransport
    private let retry: RetryPolicy
    /// Called before each retry, with the attempt about to be made and why the last one failed.
    package var onRetry: (Int, TransportError) -> Void = { _, _ in }
    /// Requests sent, retries included; the benchmarks and tests count round trips with it.
    private(set) var requests = 0

    package init(baseURL: String, token: String, settings: TransportSettings, retry: RetryPolicy) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.transport = CurlTransport(settings: settings)
        self.retry = retry
    }

    package func enroll() throws -> EnrollResponse {
        try CanonicalJSON.decode(EnrollResponse.self, from: call("POST", "/v1/enroll", body: nil))
    }

    /// One round trip: the outbox goes up, acknowledgements and a page of the scope's news come down.
    func exchange(_ request: SyncRequest) throws -> SyncResponse {
        try CanonicalJSON.decode(SyncResponse.self, from: call("POST", "/v1/sync", body: CanonicalJSON.encode(request)))
    }

    /// The server's current state of some records of the scope (those it has and shows this agent).
    func records(_ keys: [RecordKey]) throws -> [RecordState] {
        let request = RecordsRequest(keys: keys.map(\.description))
        return try CanonicalJSON.decode(
            RecordsResponse.self,
            from: call("POST", "/v1/records", body: CanonicalJSON.encode(request))
        ).records
    }

    /// One page of the server's records of `grid`; `after` is the previous page's `nextAfter`.
    func records(inGrid grid: String, after: String?) throws -> RecordsResponse {
        let request = RecordsRequest(grid: grid, after: after)
        return try CanonicalJSON.decode(
            RecordsResponse.self,
            from: call("POST", "/v1/records", body: CanonicalJSON.encode(request))
        )
    }

    /// The server's digest of each grid of the scope that holds records.
    func gridDigests() throws -> [GridDigest] {
        try CanonicalJSON.decode(DigestResponse.self, from: call("GET", "/v1/digest", body: nil)).grids
    }

    /// One snapshot page, read for storing; `after` is the previous page's `nextAfter`.
    func snapshotPage(after: String?) throws -> SnapshotRows {
        var path = "/v1/snapshot"
        if let after {
            path += "?after=" + (after.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? after)
        }
        return try SnapshotRows(call("GET", path, body: nil))
    }

    /// Sends a request, retrying network failures and the server's 5xx answers, and returns the
    /// inflated body of a 200 answer.
    ///
    /// - Throws: ``ServerRefusal`` for an error answer the server means (4xx), ``TransportError``
    ///   when every attempt failed on the way.
    private func call(_ method: String, _ path: String, body: Data?) throws -> Data {
        var headers = ["Authorization: Bearer \(token)", "Accept-Encoding: gzip", "Expect:"]
        var sent: Data?
        if let body {
            sent = Gzip.compress(body)
            headers += ["Content-Type: application/json", "Content-Encoding: gzip"]
        }
        var attempt = 1
        while true {
            let failure: TransportError
            var asked: Int?
            do {
                requests += 1
                let response = try transport.perform(method, baseURL + path, headers: headers, body: sent)
                let data = try Self.inflate(response)
                if response.status == 200 { return data }
                let refusal = ServerRefusal(status: response.status, body: data)
                guard refusal.isRetryable else { throw refusal }
                failure = TransportError(kind: .other, detail: "HTTP \(response.status) \(refusal.body.code.rawValue)")
                asked = response.retryAfterSeconds
            } catch let error as TransportError {
                guard error.isRetryable else { throw error }
                failure = error
            }
            guard attempt < retry.attempts else { throw failure }
            attempt += 1
            onRetry(attempt, failure)
            // A busy server says how long to wait; never less than the backoff, never past its ceiling.
            let wait = max(retry.delay(beforeAttempt: attempt), min(Double(asked ?? 0), retry.maxDelay))
            Thread.sleep(forTimeInterval: wait)
        }
    }

    private static func inflate(_ response: HTTPResponse) throws(TransportError) -> Data {
        guard response.contentEncoding == "gzip" else { return response.body }
        do {
            return try Gzip.decompress(response.body, limit: 512 << 20)
        } catch {
            throw TransportError(kind: .interrupted, detail: "the answer's gzip stream is damaged")
        }
    }
}

/// How often and how patiently a request is retried: exponential backoff with full jitter, so
/// a village's laptops that lost the link together do not all come back at the same instant.
package struct RetryPolicy: Sendable {
    var attempts = 6
    var baseDelay = 1.0
    var maxDelay = 60.0

    package init(attempts: Int, baseDelay: Double) {
        self.attempts = attempts
        self.baseDelay = baseDelay
    }

    func delay(beforeAttempt attempt: Int) -> TimeInterval {
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(attempt - 2)))
        return Double.random(in: ceiling / 2...ceiling)
    }
}

/// The server answered with an error it meant: refused token, out of scope, bad value, resync.
struct ServerRefusal: CodedError, Equatable {
    let status: Int
    let body: ErrorBody

    init(status: Int, body data: Data) {
        self.status = status
        body =
            (try? CanonicalJSON.decode(ErrorBody.self, from: data))
            ?? ErrorBody(
                code: status >= 500 ? .internalError : .malformedBody,
                message: LocalizedText(
                    "The county server answered HTTP \(status) without an explanation.",
                    zh: "县级服务器返回 HTTP \(status)，未附说明。"
                )
            )
    }

    var code: ErrorCode { body.code }
    var message: LocalizedText { body.localizedText }
    /// The server's own failures and overload pass; a refusal it means does not.
    var isRetryable: Bool { status >= 500 || status == 429 }
}

extension CharacterSet {
    /// What may stand unescaped in a query value (`&`, `=`, `+` and `#` are escaped).
    fileprivate static let urlQueryValueAllowed = CharacterSet.urlQueryAllowed.subtracting(
        CharacterSet(charactersIn: "&=+#")
    )
}
