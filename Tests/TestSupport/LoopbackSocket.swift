public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A raw TCP connection to a port on 127.0.0.1, for tests that must misbehave below HTTP: send
/// half a header, trickle a body, or hold a socket open and watch what the server does.
public final class LoopbackSocket: @unchecked Sendable {  // used by one task at a time
    private let descriptor: Int32

    public init(port: Int) throws {
        #if canImport(Glibc)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw ServerProcessError("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw ServerProcessError("cannot connect to 127.0.0.1:\(port)")
        }
    }

    deinit { close(descriptor) }

    /// Sends `text` whole; false when the server has already closed the connection.
    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        #if canImport(Glibc)
        let flags = Int32(MSG_NOSIGNAL)
        #else
        let flags: Int32 = 0
        #endif
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, flags) }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    /// Reads until the server closes the connection or `timeout` passes; what arrived, and
    /// whether the connection was closed.
    public func readUntilClosed(timeout: TimeInterval) -> (bytes: [UInt8], closed: Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let remaining = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            guard poll(&poller, 1, remaining) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return (received, true) }
            received += buffer[..<count]
        }
        return (received, false)
    }

    /// Reads one HTTP answer with a `Content-Length`, returning as soon as it is whole; nil when
    /// none arrived within `timeout` or the server closed the connection first.
    public func readResponse(timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while Date() < deadline {
            let text = Self.text(received)
            if let split = text.range(of: "\r\n\r\n") {
                let head = text[..<split.lowerBound].lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }.flatMap {
                    Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
                }
                if let length, text[split.upperBound...].utf8.count >= length { return text }
            }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000))) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return nil }
            received += buffer[..<count]
        }
        return nil
    }

    /// ``readUntilClosed(timeout:)`` on a thread of its own. Blocked on one of Swift's
    /// cooperative threads (two on this machine), a read starves a server running in the test
    /// process, whose handlers need those threads: its request deadline then cuts a request it
    /// never got to answer.
    public func awaitClose(timeout: TimeInterval) async -> (bytes: [UInt8], closed: Bool) {
        await offThePool { $0.readUntilClosed(timeout: timeout) }
    }

    /// ``readResponse(timeout:)`` on a thread of its own, as ``awaitClose(timeout:)``.
    public func awaitResponse(timeout: TimeInterval) async -> String? {
        await offThePool { $0.readResponse(timeout: timeout) }
    }

    private func offThePool<Value: Sendable>(_ read: @escaping @Sendable (LoopbackSocket) -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: read(self)) }
        }
    }

    /// What has arrived so far as text (an HTTP answer, usually).
    public static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
