import Shared
import Synchronization

/// Admits sync exchanges: at most `capacity` decode and merge at once, a bounded queue waits for
/// a turn, and each agent has one exchange in flight.
///
/// An exchange holds its body inflated, decoded and merged in memory; bounding how many run at
/// once bounds that memory by the configured limits (the single writer merges one batch at a
/// time anyway). Past the queue the daemon is overloaded and says so (503 with `Retry-After`),
/// so an evening rush waits at the agents' backoff instead of in the daemon's heap. A second
/// exchange of one agent while its first is being merged is a retry racing the server's answer or
/// a copied laptop; it is asked to come back (429). The gate is taken only once the body has
/// arrived, so a laptop that lost power mid-upload does not lock its own next sync out.
final class ExchangeGate: Sendable {
    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
        var agents: Set<ReplicaID> = []
    }

    private let capacity: Int
    private let queueLimit: Int
    private let state = Mutex(State())

    init(capacity: Int, queueLimit: Int) {
        self.capacity = capacity
        self.queueLimit = queueLimit
    }

    /// Runs `body` once admitted, and lets the next exchange in when it ends, however it ends.
    func admit<Value>(_ agent: ReplicaID, _ body: () async throws -> Value) async throws -> Value {
        let mustWait = try state.withLock { state in
            guard state.agents.insert(agent).inserted else { throw APIError.agentBusy(retryAfter: 1) }
            if state.running < capacity {
                state.running += 1
                return false
            }
            guard state.waiting.count < queueLimit else {
                state.agents.remove(agent)
                throw APIError.busy(retryAfter: 5)
            }
            return true
        }
        defer { release(agent) }
        if mustWait {
            await withCheckedContinuation { continuation in
                let runNow = state.withLock { state in
                    guard state.running >= capacity else {
                        state.running += 1
                        return true
                    }
                    state.waiting.append(continuation)
                    return false
                }
                if runNow { continuation.resume() }
            }
        }
        return try await body()
    }

    /// Hands the turn to the first waiting exchange, or frees it.
    private func release(_ agent: ReplicaID) {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.agents.remove(agent)
            guard !state.waiting.isEmpty else {
                state.running -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
