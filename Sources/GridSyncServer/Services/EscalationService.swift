import AsyncAlgorithms
import Logging
import ServiceLifecycle

/// Runs the deadline sweep (``SQLiteStore/sweepDeadlines(asOf:now:actor:)``) on a timer.
///
/// Both its clocks are injected, the timer's (`clock`) and the county's time it sweeps as of
/// (`now`), so tests move time instead of sleeping; it stops at graceful shutdown between two sweeps.
struct EscalationService<TimerClock: Clock>: Service where TimerClock.Duration == Duration {
    let store: any SyncStore
    let interval: Duration
    let logger: Logger
    let now: @Sendable () -> UInt64
    let clock: TimerClock

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: interval, clock: clock).cancelOnGracefulShutdown() {
            do {
                let time = now()
                let steps = try await store.sweepDeadlines(asOf: time, now: time, actor: "server:escalation")
                if !steps.isEmpty {
                    logger.info("incidents escalated", metadata: ["incident.escalated": "\(steps.count)"])
                }
            } catch {
                logger.error("escalation sweep failed", metadata: ["sync.error.type": "\(type(of: error))"])
            }
        }
    }
}

extension EscalationService where TimerClock == ContinuousClock {
    init(store: any SyncStore, interval: Duration, logger: Logger, now: @escaping @Sendable () -> UInt64) {
        self.init(store: store, interval: interval, logger: logger, now: now, clock: .continuous)
    }
}
