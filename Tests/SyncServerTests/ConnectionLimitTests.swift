import Foundation
import GridSyncTestSupport
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// Slow and idle clients cannot hold the daemon's sockets: a request must arrive within its
/// deadline from its first byte, an idle connection is closed, and connections past the cap wait.
@Suite(.timeLimit(.minutes(1))) struct ConnectionLimitTests {
    /// A header that trickles in one byte at a time (slowloris) never looks idle; the request's
    /// deadline closes it.
    @Test func aRequestThatTricklesInIsCutAtItsDeadline() async throws {
        let fixture = try await ServerFixture {
            $0.requestTimeoutSeconds = 1
            $0.idleTimeoutSeconds = 30
        }
        defer { fixture.remove() }
        try await fixture.application().test(.live) { client in
            let socket = try LoopbackSocket(port: try #require(client.port))
            let start = Date()
            var closed = false
            for byte in "POST /v1/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8 where !closed {
                closed = !socket.send([byte])
                if !closed { closed = await socket.awaitClose(timeout: 0.2).closed }
            }
            if !closed { closed = await socket.awaitClose(timeout: 3).closed }
            #expect(closed, "the trickling request is cut")
            #expect(Date().timeIntervalSince(start) < 5)
            let health = try await client.executeRequest(uri: "/health", method: .get, headers: [:], body: nil)
            #expect(health.status == .ok, "and the daemon still answers")
        }
    }

    @Test func anIdleConnectionIsClosedButAKeptAliveOneIsServedAgain() async throws {
        let fixture = try await ServerFixture { $0.idleTimeoutSeconds = 2 }
        defer { fixture.remove() }
        try await fixture.application().test(.live) { client in
            let port = try #require(client.port)
            let idle = try LoopbackSocket(port: port)
            #expect(await idle.awaitClose(timeout: 10).closed, "nothing sent: closed after the idle timeout")

            let kept = try LoopbackSocket(port: port)
            let request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            kept.send(request)
            #expect(await kept.awaitResponse(timeout: 5)?.hasPrefix("HTTP/1.1 200") == true)
            kept.send(request)
            #expect(
                await kept.awaitResponse(timeout: 5)?.hasPrefix("HTTP/1.1 200") == true,
                "a second request on the connection"
            )
        }
    }
}

/// The exchange gate: a bounded number run, a bounded queue waits, one exchange per agent.
@Suite struct ExchangeGateTests {
    /// Holds an admitted exchange until the test lets it go.
    final class Latch: Sendable {
        private let stream: AsyncStream<Void>
        private let continuation: AsyncStream<Void>.Continuation
        init() { (stream, continuation) = AsyncStream.makeStream() }
        func wait() async { for await _ in stream { return } }
        func open() { continuation.yield() }
    }

    @Test func pastTheQueueIsBusyAndASecondExchangeOfOneAgentIsTooManyRequests() async throws {
        let gate = ExchangeGate(capacity: 1, queueLimit: 1)
        let hold = Latch()
        let running = Task { try await gate.admit(ReplicaID(1)) { await hold.wait() } }
        try await Task.sleep(for: .milliseconds(50))
        let queued = Task { try await gate.admit(ReplicaID(2)) { 2 } }
        try await Task.sleep(for: .milliseconds(50))

        let same = await #expect(throws: APIError.self) { try await gate.admit(ReplicaID(1)) { 0 } }
        #expect(same?.body.code == .tooManyRequests)
        #expect(same?.retryAfter != nil)
        let busy = await #expect(throws: APIError.self) { try await gate.admit(ReplicaID(3)) { 0 } }
        #expect(busy?.body.code == .serverBusy)
        #expect(busy.map(\.status) == .serviceUnavailable)

        hold.open()
        try await running.value
        #expect(try await queued.value == 2, "the queued exchange runs once the first ends")
        #expect(try await gate.admit(ReplicaID(1)) { 1 } == 1, "and the agent may come back")
    }
}
