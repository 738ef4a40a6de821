import Foundation

/// Plain HTTP/1.1 to the daemon on loopback, without an HTTP client library: the tests' health
/// probe and their reads of `/metrics`.
public enum LoopbackHTTP {
    /// `GET path` over a plain socket with `Connection: close`; the status and the body.
    public static func get(port: Int, path: String, timeoutSeconds: Int = 5) throws -> (status: Int, body: String) {
        let socket = try LoopbackSocket(port: port)
        guard socket.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n") else {
            throw ServerProcessError("send failed")
        }
        let text = LoopbackSocket.text(socket.readUntilClosed(timeout: TimeInterval(timeoutSeconds)).bytes)
        guard let split = text.range(of: "\r\n\r\n") else { throw ServerProcessError("no HTTP answer: \(text)") }
        let head = text[..<split.lowerBound]
        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        var body = String(text[split.upperBound...])
        if head.lowercased().contains("transfer-encoding: chunked") { body = dechunk(body) }
        return (status, body)
    }

    /// Undoes chunked transfer encoding (sizes in hex, each chunk followed by CRLF).
    private static func dechunk(_ text: String) -> String {
        var bytes = Substring(text)
        var out = ""
        while let lineEnd = bytes.range(of: "\r\n") {
            guard let size = Int(bytes[..<lineEnd.lowerBound].split(separator: ";").first ?? "", radix: 16), size > 0
            else { break }
            let start = lineEnd.upperBound
            let utf8 = bytes[start...].utf8
            let end = utf8.index(utf8.startIndex, offsetBy: min(size, utf8.count))
            out += String(bytes[start..<end])
            bytes = bytes[end...].dropFirst(2)
        }
        return out
    }
}
