import AsyncAlgorithms
import Logging
import ServiceLifecycle

/// Drops old operations from the log on a timer (see ``SQLiteStore/compact(retentionMilliseconds:now:)``).
///
/// Runs beside the HTTP server and stops at graceful shutdown between two passes, never in one.
/// Its timer's clock is injected as the escalation service's is.
struct CompactionService<TimerClock: Clock>: Service where TimerClock.Duration == Duration {
    let store: any SyncStore
    let retentionMilliseconds: UInt64
    let interval: Duration
    let logger: Logger
    let now: @Sendable () -> UInt64
    let clock: TimerClock

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: interval, clock: clock).cancelOnGracefulShutdown() {
            do {
                let dropped = try await store.compact(retentionMilliseconds: retentionMilliseconds, now: now())
                if dropped > 0 { logger.info("oplog compacted", metadata: ["sync.oplog.dropped": "\(dropped)"]) }
            } catch {
                logger.error("oplog compaction failed", metadata: ["sync.error.type": "\(type(of: error))"])
            }
        }
    }
}

extension CompactionService where TimerClock == ContinuousClock {
    init(
        store: any SyncStore,
        retentionMilliseconds: UInt64,
        interval: Duration,
        logger: Logger,
        now: @escaping @Sendable () -> UInt64
    ) {
        self.init(
            store: store,
            retentionMilliseconds: retentionMilliseconds,
            interval: interval,
            logger: logger,
            now: now,
            clock: .continuous
        )
    }
}
