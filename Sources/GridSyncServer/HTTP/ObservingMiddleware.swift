import Hummingbird
import Logging
import Prometheus
import Shared

/// Times every request, counts error answers by code, and turns unexpected failures into a
/// logged `internal_error` answer instead of a bare 500.
struct ObservingMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let metrics: ServerMetrics

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        defer { metrics.requestDuration.record(ContinuousClock.now - start) }
        do {
            return try await next(request, context)
        } catch let error as APIError {
            metrics.countError(error.body.code)
            context.logger.notice(
                "request refused",
                metadata: ["sync.error.code": "\(error.body.code.rawValue)", "http.path": .untrusted(request.uri.path)]
            )
            throw error
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            metrics.countError(.internalError)
            // The type only: a message could carry a record's contents.
            context.logger.error(
                "request failed",
                metadata: ["sync.error.type": "\(type(of: error))", "http.path": .untrusted(request.uri.path)]
            )
            throw APIError(
                code: .internalError,
                LocalizedText("The server failed to answer; try again later.", zh: "服务器处理失败，请稍后重试。")
            )
        }
    }
}
