public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP server on 127.0.0.1 that answers each connection with the next of a list of raw
/// answers, then closes it: for client tests that need a server to say exactly one thing
/// (a 503 with `Retry-After`, say) without the daemon.
public final class ScriptedHTTPServer: @unchecked Sendable {
    public let port: Int
    private let descriptor: Int32
    private let thread: Thread

    /// Starts serving `answers` (each a whole HTTP response) in order, one per connection.
    public init(answers: [String]) throws {
        #if canImport(Glibc)
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let listener = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 8) == 0
                    && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw ServerProcessError("cannot listen on 127.0.0.1")
        }
        descriptor = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        thread = Thread {
            for answer in answers {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                var buffer = [UInt8](repeating: 0, count: 65_536)
                var request: [UInt8] = []
                // Read the head and as much body as its Content-Length says.
                while true {
                    let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                    if count <= 0 { break }
                    request += buffer[..<count]
                    let text = String(decoding: request, as: UTF8.self)
                    guard let split = text.range(of: "\r\n\r\n") else { continue }
                    let length =
                        text[..<split.lowerBound].lowercased().split(separator: "\r\n")
                        .first { $0.hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
                        ?? 0
                    if text[split.upperBound...].utf8.count >= length { break }
                }
                _ = Array(answer.utf8).withUnsafeBytes { send(client, $0.baseAddress, $0.count, 0) }
                close(client)
            }
        }
        thread.start()
    }

    deinit { close(descriptor) }

    /// A whole response with a JSON body and the given extra header lines.
    public static func answer(status: String, headers: [String] = [], json: String) -> String {
        ([
            "HTTP/1.1 \(status)", "Content-Type: application/json", "Content-Length: \(json.utf8.count)",
            "Connection: close",
        ]
            + headers).joined(separator: "\r\n") + "\r\n\r\n" + json
    }
}
