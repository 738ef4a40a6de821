import AsyncAlgorithms
import Logging
import ServiceLifecycle

/// Runs the deadline sweep (``ServerDatabase/sweepDeadlines(asOf:now:actor:)``) on a timer.
///
/// Its clock is injected, so tests move time; it stops at graceful shutdown between two sweeps.
struct EscalationService: Service {
    let database: ServerDatabase
    let interval: Duration
    let logger: Logger
    let now: @Sendable () -> UInt64

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            do {
                let time = now()
                let steps = try database.sweepDeadlines(asOf: time, now: time, actor: "server:escalation")
                if !steps.isEmpty {
                    logger.info("incidents escalated", metadata: ["incident.escalated": "\(steps.count)"])
                }
            } catch {
                logger.error("escalation sweep failed", metadata: ["sync.error.type": "\(type(of: error))"])
            }
        }
    }
}
