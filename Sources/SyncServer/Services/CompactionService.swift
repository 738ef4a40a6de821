import AsyncAlgorithms
import Logging
import ServiceLifecycle

/// Drops old operations from the log on a timer (see ``ServerDatabase/compact(retentionMilliseconds:now:)``).
///
/// Runs beside the HTTP server and stops at graceful shutdown between two passes, never in one.
struct CompactionService: Service {
    let database: ServerDatabase
    let retentionMilliseconds: UInt64
    let interval: Duration
    let logger: Logger
    let now: @Sendable () -> UInt64

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            do {
                let dropped = try await database.compact(retentionMilliseconds: retentionMilliseconds, now: now())
                if dropped > 0 { logger.info("oplog compacted", metadata: ["sync.oplog.dropped": "\(dropped)"]) }
            } catch {
                logger.error("oplog compaction failed", metadata: ["sync.error.type": "\(type(of: error))"])
            }
        }
    }
}
