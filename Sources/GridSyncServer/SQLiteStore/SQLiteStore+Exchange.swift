import Foundation
import GRDB
import Shared

extension SQLiteStore {
    /// One exchange in one write transaction, shared with the exchanges waiting beside it (group
    /// commit): the agent's standing, its recovery report, its new operations merged, and the page
    /// it pulls, read after them.
    ///
    /// Operations the server already has (counters at or below the agent's acknowledgement) are
    /// skipped, so a retried batch is acknowledged again and never applied twice.
    ///
    /// - Throws: ``ExchangeError`` for a refused exchange (standing, scope, validation, gaps), after
    ///   which the store is unchanged.
    package func exchange(_ exchange: CheckedExchange) async throws -> ExchangeOutcome {
        let cache = cache
        return try await groupCommit.submit { db in
            let request = exchange.request
            // Read again inside the transaction: a revocation or a resync request since the
            // request was authenticated counts.
            guard let agent = try Self.agent(db, replica: exchange.agent.replica), agent.revokedAt == nil else {
                throw ExchangeError.unauthorized
            }
            try Self.requireNoResync(db, for: agent, cursor: request.cursor, store: request.store)
            if let recovered = request.recovered {
                try Self.recordRecovery(db, recovered, from: agent, now: exchange.now)
            }
            var batch = try MergeBatch(
                over: SQLiteMergeStorage(db, cache: cache),
                agent: agent,
                now: exchange.now,
                rules: exchange.rules
            )
            // Operations at or below the acknowledgement are a retry's: it may have to learn again
            // which of them were set aside.
            let operations = request.operations
            let retried = operations.first.map { $0.dot.counter <= batch.acknowledgedThrough } ?? false
            for (operation, body) in zip(operations, exchange.bodies) {
                if operation.dot.counter > batch.acknowledgedThrough {
                    try batch.store(operation, body: body)
                } else if try OperationDigest.matches(operation, body: body, db) != true {
                    // A dot the store holds with other content (or nothing at all): a copy of a laptop.
                    throw ExchangeError.replicaCopied(operation.dot)
                }
            }
            let conflictsOpened = try batch.finish(batchId: request.batchId, cursor: request.cursor)
            var outcome = ExchangeOutcome(
                acknowledgedThrough: batch.acknowledgedThrough,
                stored: batch.stored,
                conflictsOpened: conflictsOpened,
                registered: batch.registered,
                page: try Self.pull(db, for: agent, after: request.cursor, limit: exchange.rules.pageSize)
            )
            if retried || batch.setAsideCount > 0, let first = operations.first?.dot.counter,
                let last = operations.last?.dot.counter, first <= last
            {
                outcome.setAside = try batch.setAsideNotices(in: first...last)
            }
            return (outcome, batch.saved)
        }
    }
}
