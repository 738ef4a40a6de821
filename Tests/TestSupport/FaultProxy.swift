import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The faults one proxied connection suffers: a slow rural link, or one that drops mid-transfer.
///
/// Loopback is fast and never fails and kernel netem is not available, so the tests put a ``FaultProxy``
/// between client and server and choose these per connection.
public struct ConnectionFaults: Sendable {
    /// Resets the connection once exactly this many bytes went from client to upstream (0: as soon as it
    /// opens), as when the link dies while the agent uploads.
    public var cutRequestAfter: Int?
    /// Resets the connection once exactly this many bytes went from upstream to client (0: as soon as it
    /// opens), as when the link dies while the answer comes down.
    public var cutResponseAfter: Int?
    /// A one-way delay, waited before forwarding each chunk in either direction.
    public var latency: Duration
    /// Each direction's rate, paced in chunks of at most 1 KB; nil forwards at loopback speed.
    public var bytesPerSecond: Int?

    /// A clean pipe.
    public static let none = ConnectionFaults()

    public init(
        cutRequestAfter: Int? = nil,
        cutResponseAfter: Int? = nil,
        latency: Duration = .zero,
        bytesPerSecond: Int? = nil
    ) {
        self.cutRequestAfter = cutRequestAfter
        self.cutResponseAfter = cutResponseAfter
        self.latency = latency
        self.bytesPerSecond = bytesPerSecond
    }
}

/// Why the proxy could not start listening.
public struct FaultProxyError: Error, CustomStringConvertible {
    public let description: String
}

/// A TCP proxy on 127.0.0.1 that forwards each connection to `127.0.0.1:upstreamPort` with the faults
/// ``plan`` chooses for it: how the tests reproduce slow and dropped links on loopback.
///
/// It is a byte pipe that never parses HTTP, so keep-alive (or TLS) passes through unchanged. Each
/// connection has one thread per direction; an end of stream from one side reaches the other as a
/// half-close, and both sockets close once both directions have ended.
public final class FaultProxy: @unchecked Sendable {
    /// The port the proxy listens on, chosen by the OS: give this one to the client.
    public let port: Int
    private let core: Core

    /// Starts listening at once.
    ///
    /// - Parameter plan: The faults of each accepted connection, by its 0-based index; see ``plan``.
    public init(
        upstreamPort: Int,
        plan: @escaping @Sendable (Int) -> ConnectionFaults = { _ in .none }
    ) throws {
        let listener = socket(AF_INET, streamSocket, 0)
        guard listener >= 0 else { throw FaultProxyError(description: "socket: \(lastError())") }
        var on: Int32 = 1
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size)) == 0,
            withSocketAddress(&address, { bind(listener, $0, length) }) == 0,
            listen(listener, 128) == 0,
            // Non-blocking, so that an accept whose client already left cannot block the accept thread.
            fcntl(listener, F_SETFL, O_NONBLOCK) == 0,
            withSocketAddress(&address, { getsockname(listener, $0, &length) }) == 0
        else {
            let error = lastError()
            close(listener)
            throw FaultProxyError(description: "Cannot listen on 127.0.0.1: \(error)")
        }
        let wake: Wake
        do { wake = try Wake() } catch {
            close(listener)
            throw error
        }
        port = Int(in_port_t(bigEndian: address.sin_port))
        core = Core(listener: listener, wake: wake, upstreamPort: upstreamPort, plan: plan)
        let core = core
        Thread { core.acceptConnections() }.start()
    }

    deinit { stop() }

    /// The faults of each accepted connection, by its 0-based index, so that a test can fail the first
    /// attempt and let the retry through; settable at any time, read once per connection when it opens.
    public var plan: @Sendable (Int) -> ConnectionFaults {
        get { core.lock.withLock { core.plan } }
        set { core.lock.withLock { core.plan = newValue } }
    }

    /// Connections accepted so far.
    public var connections: Int { core.lock.withLock { core.accepted } }
    /// Connections reset by a `cutRequestAfter` or `cutResponseAfter` fault.
    public var cutCount: Int { core.lock.withLock { core.cuts } }
    /// Bytes forwarded from clients to upstream, over all connections.
    public var bytesToUpstream: Int { core.lock.withLock { core.bytesToUpstream } }
    /// Bytes forwarded from upstream to clients, over all connections.
    public var bytesToClient: Int { core.lock.withLock { core.bytesToClient } }

    /// Stops accepting and resets every live connection, without waiting for the threads: the listener
    /// closes and the connections end within moments. Later calls do nothing.
    public func stop() { core.stop() }
}

// MARK: - Threads

/// Which way a connection's bytes go.
private enum Direction {
    /// Client to upstream.
    case request
    /// Upstream to client.
    case response
}

/// What the proxy's threads share: the listener, the counters and the live connections. Kept apart from
/// ``FaultProxy`` so that no thread keeps the proxy alive and its `deinit` can stop them.
private final class Core: @unchecked Sendable {
    let listener: Int32
    /// Signalled once, by `stop()`; the accept thread then closes it and the listener.
    let wake: Wake
    let upstreamPort: Int
    /// Guards the variables below (not the sockets).
    let lock = NSLock()
    var plan: @Sendable (Int) -> ConnectionFaults
    var accepted = 0
    var cuts = 0
    var bytesToUpstream = 0
    var bytesToClient = 0
    var live: [Int: Connection] = [:]
    var stopped = false

    init(listener: Int32, wake: Wake, upstreamPort: Int, plan: @escaping @Sendable (Int) -> ConnectionFaults) {
        self.listener = listener
        self.wake = wake
        self.upstreamPort = upstreamPort
        self.plan = plan
    }

    /// The accept thread: until `stop()`, connects each client to upstream and starts its two pumps.
    func acceptConnections() {
        while ready(listener, for: POLLIN, wake: wake.readEnd) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                // The client left already, or we are out of descriptors: try again shortly.
                guard idle(until: .now + .milliseconds(10), wake: wake.readEnd) else { break }
                continue
            }
            let (index, plan) = lock.withLock {
                defer { accepted += 1 }
                return (accepted, self.plan)
            }
            let faults = plan(index)
            guard let upstream = connectToLoopback(port: upstreamPort) else {
                closeWithReset(client)
                continue
            }
            preventSIGPIPE(client)
            preventSIGPIPE(upstream)
            guard let connectionWake = try? Wake() else {
                closeWithReset(client)
                closeWithReset(upstream)
                continue
            }
            let connection = Connection(
                index: index,
                client: client,
                upstream: upstream,
                faults: faults,
                wake: connectionWake,
                core: self
            )
            let stopping = lock.withLock {
                live[index] = connection
                return stopped
            }
            connection.start()
            if stopping { connection.reset() }
        }
        close(listener)
        wake.release()
    }

    func stop() {
        let connections: [Connection] = lock.withLock {
            guard !stopped else { return [] }
            stopped = true
            wake.signal()
            return Array(live.values)
        }
        for connection in connections { connection.reset() }
    }

    func forwarded(_ count: Int, _ direction: Direction) {
        lock.withLock {
            switch direction {
            case .request: bytesToUpstream += count
            case .response: bytesToClient += count
            }
        }
    }

    func countCut() { lock.withLock { cuts += 1 } }

    func ended(_ index: Int) { _ = lock.withLock { live.removeValue(forKey: index) } }
}

/// One accepted client and its upstream socket, pumped by one thread per direction.
private final class Connection: @unchecked Sendable {
    let index: Int
    let client: Int32
    let upstream: Int32
    let faults: ConnectionFaults
    /// Signalled by `reset()` to stop both pumps wherever they wait.
    let wake: Wake
    let core: Core
    /// Guards the variables below, and closing the sockets.
    private let lock = NSLock()
    private var resetting = false
    /// Directions still running; the sockets close when the last one ends.
    private var pumping = 2

    init(index: Int, client: Int32, upstream: Int32, faults: ConnectionFaults, wake: Wake, core: Core) {
        self.index = index
        self.client = client
        self.upstream = upstream
        self.faults = faults
        self.wake = wake
        self.core = core
    }

    func start() {
        Thread { self.pump(.request) }.start()
        Thread { self.pump(.response) }.start()
    }

    /// Ends both directions at once and has both sockets close with RST (SO_LINGER 0), as a dropped
    /// link looks to the two ends; `cut` counts it as a fault's doing, before either end can see it.
    func reset(cut: Bool = false) {
        lock.withLock {
            guard !resetting, pumping > 0 else { return }
            resetting = true
            if cut { core.countCut() }
            lingerZero(client)
            lingerZero(upstream)
            wake.signal()
        }
    }

    private func pump(_ direction: Direction) {
        switch direction {
        case .request: forward(from: client, to: upstream, cutAfter: faults.cutRequestAfter, direction)
        case .response: forward(from: upstream, to: client, cutAfter: faults.cutResponseAfter, direction)
        }
        let over = lock.withLock {
            pumping -= 1
            guard pumping == 0 else { return false }
            close(client)
            close(upstream)
            wake.release()
            return true
        }
        if over { core.ended(index) }
    }

    /// Copies `source` to `destination` with the faults, until an end of stream (passed on as a
    /// half-close), an error or a reset (both reset the connection), or the cut.
    private func forward(from source: Int32, to destination: Int32, cutAfter limit: Int?, _ direction: Direction) {
        var buffer = [UInt8](repeating: 0, count: faults.bytesPerSecond == nil ? 65_536 : 1_024)
        var forwarded = 0
        var due = ContinuousClock.now
        while forwarded < limit ?? .max {
            guard ready(source, for: POLLIN, wake: wake.readEnd) else { return }
            let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count == 0 {
                shutdown(destination, Int32(SHUT_WR))
                return
            }
            guard count > 0 else {
                if errno == EAGAIN || errno == EINTR { continue }
                reset()
                return
            }
            let chunk = min(count, (limit ?? .max) - forwarded)
            guard idle(until: .now + faults.latency, wake: wake.readEnd) else { return }
            if let rate = faults.bytesPerSecond {
                due = max(due, .now)
                guard idle(until: due, wake: wake.readEnd) else { return }
                due += .seconds(Double(chunk) / Double(rate))
            }
            let sent = buffer[..<chunk].withUnsafeBytes { sendAll($0, to: destination, wake: wake.readEnd) }
            guard sent else {
                reset()
                return
            }
            forwarded += chunk
            core.forwarded(chunk, direction)
        }
        reset(cut: true)
    }
}

// MARK: - Sockets

/// A pipe that stays readable once signalled: the event every poll of a thread also waits for, so that
/// one `signal()` stops the thread wherever it waits.
private struct Wake {
    let readEnd: Int32
    let writeEnd: Int32

    init() throws {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw FaultProxyError(description: "pipe: \(lastError())") }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    func release() {
        close(readEnd)
        close(writeEnd)
    }
}

#if canImport(Glibc)
private let streamSocket = Int32(SOCK_STREAM.rawValue)
/// Never blocks (the poll comes first) and never raises SIGPIPE when the peer is gone.
private let sendFlags = Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL)
/// Nothing to do here: `sendFlags` has MSG_NOSIGNAL.
private func preventSIGPIPE(_ socket: Int32) {}
#else
private let streamSocket = SOCK_STREAM
/// Never blocks (the poll comes first); SIGPIPE is off per socket, by `preventSIGPIPE`.
private let sendFlags = MSG_DONTWAIT
private func preventSIGPIPE(_ socket: Int32) {
    var on: Int32 = 1
    setsockopt(socket, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
}
#endif

private func lastError() -> String { String(cString: strerror(errno)) }

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

/// A socket connected to `127.0.0.1:port`, or nil when nothing listens there.
private func connectToLoopback(port: Int) -> Int32? {
    let socket = socket(AF_INET, streamSocket, 0)
    guard socket >= 0 else { return nil }
    var address = loopback(port: port)
    guard withSocketAddress(&address, { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }) == 0 else {
        close(socket)
        return nil
    }
    return socket
}

/// Makes the coming `close` send RST instead of FIN.
private func lingerZero(_ socket: Int32) {
    var option = linger(l_onoff: 1, l_linger: 0)
    setsockopt(socket, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
}

private func closeWithReset(_ socket: Int32) {
    lingerZero(socket)
    close(socket)
}

/// Waits until `socket` is ready for `events`; false when `wake` fired instead.
private func ready(_ socket: Int32, for events: Int32, wake: Int32) -> Bool {
    var descriptors = [
        pollfd(fd: socket, events: Int16(events), revents: 0),
        pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
    ]
    while poll(&descriptors, 2, -1) < 0 && errno == EINTR {}
    return descriptors[1].revents == 0
}

/// Sleeps until `deadline`; false when `wake` fired first.
private func idle(until deadline: ContinuousClock.Instant, wake: Int32) -> Bool {
    while true {
        let left = ContinuousClock.now.duration(to: deadline)
        guard left > .zero else { return true }
        var descriptor = pollfd(fd: wake, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(min((left / .milliseconds(1)).rounded(.up), 60_000))
        if poll(&descriptor, 1, milliseconds) > 0 { return false }
    }
}

/// Sends all of `bytes`, waiting for room; false when the peer is gone or `wake` fired.
private func sendAll(_ bytes: UnsafeRawBufferPointer, to socket: Int32, wake: Int32) -> Bool {
    var offset = 0
    while offset < bytes.count {
        guard ready(socket, for: POLLOUT, wake: wake) else { return false }
        let sent = send(socket, bytes.baseAddress! + offset, bytes.count - offset, sendFlags)
        if sent > 0 {
            offset += sent
        } else if errno != EAGAIN && errno != EINTR {
            return false
        }
    }
    return true
}
