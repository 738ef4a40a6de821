import Foundation
import GridSyncTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fault proxy itself, against a tiny upstream on loopback: the other tests trust it to be a clean
/// pipe when asked, and to fail exactly where asked.
@Suite struct FaultProxyTests {
    @Test(.timeLimit(.minutes(1))) func bytesPassThroughUnchangedBothWays() throws {
        let upstream = try Upstream(.echo)
        defer { upstream.stop() }
        let proxy = try FaultProxy(upstreamPort: upstream.port)
        defer { proxy.stop() }
        let socket = try connectToLoopback(port: proxy.port)
        defer { close(socket) }

        // A short exchange and then a long one on the same connection, as with keep-alive.
        let hello = Array("hello".utf8)
        #expect(sendAll(hello, to: socket))
        #expect(receive(hello.count, from: socket) == hello)
        let payload = (0..<200_000).map { _ in UInt8.random(in: .min ... .max) }
        Thread {
            _ = sendAll(payload, to: socket)
            shutdown(socket, Int32(SHUT_WR))
        }.start()
        let echo = receiveToEnd(from: socket)
        let unchanged = echo.bytes == payload
        #expect(unchanged, "\(echo.bytes.count) bytes back of \(payload.count)")
        #expect(!echo.reset)
        #expect(proxy.connections == 1)
        #expect(proxy.cutCount == 0)
        #expect(proxy.bytesToUpstream == hello.count + payload.count)
        #expect(proxy.bytesToClient == hello.count + payload.count)
    }

    @Test(.timeLimit(.minutes(1))) func cutResponseAfterDeliversExactlyThatManyBytesThenResets() throws {
        let response = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let upstream = try Upstream(.respond(response))
        defer { upstream.stop() }
        let proxy = try FaultProxy(upstreamPort: upstream.port) { index in
            index == 0 ? ConnectionFaults(cutResponseAfter: 3_000) : .none
        }
        defer { proxy.stop() }

        let cut = try exchange(Array("GET".utf8), port: proxy.port)
        #expect(cut.bytes == Array(response.prefix(3_000)))
        #expect(cut.reset)
        #expect(proxy.cutCount == 1)
        // The retry is the proxy's second connection, which the plan lets through.
        let retry = try exchange(Array("GET".utf8), port: proxy.port)
        #expect(retry.bytes == response)
        #expect(!retry.reset)
        #expect(proxy.connections == 2)
        #expect(proxy.cutCount == 1)
    }

    @Test(.timeLimit(.minutes(1))) func cutRequestAfterDeliversExactlyThatManyBytesUpstream() throws {
        let upstream = try Upstream(.echo)
        defer { upstream.stop() }
        let proxy = try FaultProxy(upstreamPort: upstream.port) { _ in ConnectionFaults(cutRequestAfter: 1_000) }
        defer { proxy.stop() }

        let request = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let answer = try exchange(request, port: proxy.port)
        #expect(answer.bytes.count <= 1_000)
        #expect(upstream.waitForConnections(1) == [Array(request.prefix(1_000))])
        #expect(proxy.bytesToUpstream == 1_000)
        #expect(proxy.cutCount == 1)
    }

    @Test(.timeLimit(.minutes(1))) func bytesPerSecondPacesTheTransfer() throws {
        let response = (0..<20_000).map { UInt8(truncatingIfNeeded: $0) }
        let upstream = try Upstream(.respond(response))
        defer { upstream.stop() }
        let proxy = try FaultProxy(upstreamPort: upstream.port) { _ in ConnectionFaults(bytesPerSecond: 100_000) }
        defer { proxy.stop() }

        var answer: Received?
        let elapsed = try ContinuousClock().measure { answer = try exchange(Array("GET".utf8), port: proxy.port) }
        #expect(answer?.bytes == response)
        // 20 KB at 100 KB/s: 0.2 s less the first chunk. A lower bound only: slow machines are slower.
        #expect(elapsed >= .milliseconds(150))
    }

    @Test(.timeLimit(.minutes(1))) func latencyDelaysEachDirection() throws {
        let upstream = try Upstream(.echo)
        defer { upstream.stop() }
        let proxy = try FaultProxy(upstreamPort: upstream.port) { _ in ConnectionFaults(latency: .milliseconds(50)) }
        defer { proxy.stop() }
        let socket = try connectToLoopback(port: proxy.port)
        defer { close(socket) }

        let ping = Array("ping".utf8)
        let elapsed = ContinuousClock().measure {
            #expect(sendAll(ping, to: socket))
            #expect(receive(ping.count, from: socket) == ping)
        }
        #expect(elapsed >= .milliseconds(100))
    }

    @Test(.timeLimit(.minutes(1))) func stopResetsLiveConnectionsAndStopsListening() throws {
        let upstream = try Upstream(.echo)
        defer { upstream.stop() }
        let proxy = try FaultProxy(upstreamPort: upstream.port)
        let socket = try connectToLoopback(port: proxy.port)
        defer { close(socket) }
        #expect(sendAll(Array("hi".utf8), to: socket))
        #expect(receive(2, from: socket) == Array("hi".utf8))

        proxy.stop()
        #expect(receiveToEnd(from: socket).reset)
        let refused = waitUntil {
            guard let late = try? connectToLoopback(port: proxy.port) else { return true }
            close(late)
            return false
        }
        #expect(refused)
    }
}

// MARK: - A tiny upstream

/// A loopback TCP server for the proxy to forward to, one thread per connection. It records what each
/// connection received, once that connection has ended.
private final class Upstream: @unchecked Sendable {
    enum Behaviour {
        /// Sends back whatever it reads, until the client's end of stream.
        case echo
        /// Answers the first bytes it reads with this response, then half-closes and reads to the end.
        case respond([UInt8])
    }

    let port: Int
    private let listener: Int32
    private let behaviour: Behaviour
    private let lock = NSLock()
    private var received: [[UInt8]] = []
    private var stopped = false

    init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        let listener = socket(AF_INET, streamSocket, 0)
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard listener >= 0,
            withSocketAddress(&address, { bind(listener, $0, length) }) == 0,
            listen(listener, 16) == 0,
            withSocketAddress(&address, { getsockname(listener, $0, &length) }) == 0
        else { throw UpstreamError(errno: errno) }
        self.listener = listener
        port = Int(in_port_t(bigEndian: address.sin_port))
        Thread { self.acceptConnections() }.start()
    }

    /// Stops accepting within a poll interval; connections already accepted run to their end.
    func stop() { lock.withLock { stopped = true } }

    /// What each of the first `count` connections received, once they have all ended.
    func waitForConnections(_ count: Int) -> [[UInt8]] {
        _ = waitUntil { lock.withLock { received.count >= count } }
        return lock.withLock { received }
    }

    private func acceptConnections() {
        while !lock.withLock({ stopped }) {
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 20) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            preventSIGPIPE(connection)
            Thread { self.serve(connection) }.start()
        }
        close(listener)
    }

    private func serve(_ connection: Int32) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while case let count = recv(connection, &buffer, buffer.count, 0), count > 0 {
            let chunk = Array(buffer[..<count])
            switch behaviour {
            case .echo:
                _ = sendAll(chunk, to: connection)
            case .respond(let response):
                if bytes.isEmpty {
                    _ = sendAll(response, to: connection)
                    shutdown(connection, Int32(SHUT_WR))
                }
            }
            bytes += chunk
        }
        close(connection)
        lock.withLock { received.append(bytes) }
    }
}

private struct UpstreamError: Error {
    let errno: Int32
}

// MARK: - Sockets

/// What a client read before the connection ended, and whether it ended with a reset rather than a FIN.
private struct Received {
    var bytes: [UInt8] = []
    var reset = false
}

#if canImport(Glibc)
private let streamSocket = Int32(SOCK_STREAM.rawValue)
private let sendFlags = Int32(MSG_NOSIGNAL)
/// Nothing to do here: `sendFlags` has MSG_NOSIGNAL.
private func preventSIGPIPE(_ socket: Int32) {}
#else
private let streamSocket = SOCK_STREAM
private let sendFlags: Int32 = 0
private func preventSIGPIPE(_ socket: Int32) {
    var on: Int32 = 1
    setsockopt(socket, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
}
#endif

private func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(port).bigEndian
    address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
    return address
}

private func withSocketAddress<T>(_ address: inout sockaddr_in, _ body: (UnsafeMutablePointer<sockaddr>) -> T) -> T {
    withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
}

private func connectToLoopback(port: Int) throws -> Int32 {
    let socket = socket(AF_INET, streamSocket, 0)
    guard socket >= 0 else { throw UpstreamError(errno: errno) }
    var address = loopback(port: port)
    guard withSocketAddress(&address, { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }) == 0 else {
        let error = UpstreamError(errno: errno)
        close(socket)
        throw error
    }
    preventSIGPIPE(socket)
    return socket
}

private func sendAll(_ bytes: [UInt8], to socket: Int32) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let sent = bytes[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, sendFlags) }
        guard sent > 0 else { return false }
        offset += sent
    }
    return true
}

/// Exactly `count` bytes, fewer only if the connection ends first.
private func receive(_ count: Int, from socket: Int32) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var offset = 0
    while offset < count {
        let read = bytes[offset...].withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard read > 0 else { break }
        offset += read
    }
    return Array(bytes[..<offset])
}

private func receiveToEnd(from socket: Int32) -> Received {
    var received = Received()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = recv(socket, &buffer, buffer.count, 0)
        guard count > 0 else {
            received.reset = count < 0 && errno == ECONNRESET
            return received
        }
        received.bytes += buffer[..<count]
    }
}

/// Connects, sends `request` and reads to the end, as a client with `Connection: close` would.
private func exchange(_ request: [UInt8], port: Int) throws -> Received {
    let socket = try connectToLoopback(port: port)
    defer { close(socket) }
    _ = sendAll(request, to: socket)
    return receiveToEnd(from: socket)
}

private func waitUntil(_ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + .seconds(5)
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        Thread.sleep(forTimeInterval: 0.002)
    }
    return true
}
