import Foundation
import Hummingbird
import NIOCore
import Shared

/// Reading and writing sync bodies: JSON, gzip-compressed, within the size limits.
enum WireBody {
    /// Collects a request body of at most `maxBodyBytes`, as it arrives (compressed or not).
    static func collect(_ request: Request, settings: ServerSettings) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: settings.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge
        }
    }

    /// Inflates and decodes a collected body, mapping every failure to an ``APIError``.
    ///
    /// The inflated JSON may not exceed `maxInflatedBytes`; a gzip bomb is stopped as soon as it
    /// passes the limit. A body marked with an encoding other than gzip is refused, not guessed at.
    static func decode<Body: CanonicalDecodable>(
        _ type: Body.Type,
        from buffer: ByteBuffer,
        of request: Request,
        settings: ServerSettings
    ) throws -> Body {
        var data = Data(buffer.readableBytesView)
        switch request.headers[.contentEncoding]?.lowercased() {
        case "gzip":
            do {
                data = try Gzip.decompress(data, limit: settings.maxInflatedBytes)
            } catch .tooLarge {
                throw APIError.payloadTooLarge
            } catch .truncated {
                throw APIError.malformedBody("the gzip stream is cut short")
            } catch {
                throw APIError.malformedBody("not gzip")
            }
        case nil, "identity":
            if data.count > settings.maxInflatedBytes { throw APIError.payloadTooLarge }
        default:
            throw APIError.malformedBody("Content-Encoding must be gzip")
        }
        do {
            return try CanonicalJSON.decode(type, from: data)
        } catch let error as ModelError {
            throw APIError(error, dots: nil)
        } catch let error as DecodingError {
            throw APIError.malformedBody(describe(error))
        }
    }

    /// A JSON response, gzip-compressed when the client accepts gzip.
    static func json(_ data: Data, for request: Request) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        var body = data
        if request.headers[.acceptEncoding]?.lowercased().contains("gzip") == true {
            body = Gzip.compress(data)
            headers[.contentEncoding] = "gzip"
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Names what was wrong without echoing the request's values, which may be personal data.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing \(path(context).isEmpty ? "" : path(context) + ".")\(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "wrong type at \(path(context))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "bad value at \(path(context))"
        @unknown default: return "not decodable"
        }
    }
}
