import Hummingbird
import Shared

/// Answers a request the router has no endpoint for with an ``ErrorBody``: `405` with `Allow` when
/// the path exists but takes other methods (RFC 9110 §15.5.6), `404 not_found` otherwise.
///
/// Hummingbird's router answers both with a bare 404, so a client that sent `PUT /v1/sync` could
/// not tell a wrong method from a wrong address, and the answer had no body to act on.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    /// Every path the router serves, with the methods it takes.
    let methods: [String: [HTTPRequest.Method]]

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            var path = request.uri.path
            while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
            let refusal = methods[path].map { APIError.methodNotAllowed(allowed: $0) } ?? APIError.notFound
            // A HEAD answer has no body; one sent anyway would be read as the start of the next answer.
            guard request.method == .head else { throw refusal }
            return try refusal.response(from: request, context: context).createHeadResponse()
        }
    }
}
