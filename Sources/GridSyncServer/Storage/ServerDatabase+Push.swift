import Foundation
import GRDB
package import Shared

/// What storing a batch did.
package struct PushOutcome: Sendable, Equatable {
    /// Every operation of the agent up to this counter is stored.
    let acknowledgedThrough: UInt64
    /// Operations stored by this request (0 for a pure retry).
    let stored: Int
    /// Conflicts that this batch opened.
    let conflictsOpened: Int
    /// Incidents registered by this batch.
    let registered: Int
    /// The request's operations acknowledged as set aside (this time or when first sent).
    var setAside: [SetAsideNotice] = []
}

/// The county's settings that the exchange applies.
package struct ExchangeRules: Sendable {
    /// How far ahead of the server's clock an operation's HLC may be.
    var maxDriftMilliseconds: UInt64 = HybridLogicalClock.defaultMaxDriftMilliseconds
    /// The prefix of registry numbers (挂号), for example `FM` for Fumeng.
    var registryPrefix = "FM"

    package init(
        maxDriftMilliseconds: UInt64 = HybridLogicalClock.defaultMaxDriftMilliseconds,
        registryPrefix: String = "FM"
    ) {
        self.maxDriftMilliseconds = maxDriftMilliseconds
        self.registryPrefix = registryPrefix
    }
}

extension ServerDatabase {
    /// Stores and merges the new operations of a batch, all or nothing, in the next group commit.
    ///
    /// Operations the server already has (counters at or below the agent's acknowledgement) are
    /// skipped, so a retried batch is acknowledged again and never applied twice.
    ///
    /// - Throws: ``ExchangeError`` for a refused batch (scope, validation, drift, gaps), after which
    ///   the store is unchanged.
    package func push(
        _ operations: [SyncOperation],
        batchId: String,
        from agent: EnrolledAgent,
        cursor: UInt64,
        now: UInt64,
        rules: ExchangeRules
    ) async throws -> PushOutcome {
        try Self.checkAlone(operations, from: agent, now: now, rules: rules)
        let cache = cache
        return try await groupCommit.submit { db in
            var batch = try MergeBatch(db: db, agent: agent, now: now, rules: rules, cache: cache)
            // Operations at or below the acknowledgement are a retry's: it may have to learn again
            // which of them were set aside.
            let retried = operations.first.map { $0.dot.counter <= batch.acknowledgedThrough } ?? false
            for operation in operations {
                if operation.dot.counter > batch.acknowledgedThrough {
                    try batch.store(operation)
                } else if try OperationDigest.matches(operation, db) != true {
                    // A dot the store holds with other content (or nothing at all): a copy of a laptop.
                    throw ExchangeError.replicaCopied(operation.dot)
                }
            }
            let conflictsOpened = try batch.finish(batchId: batchId, cursor: cursor)
            var outcome = PushOutcome(
                acknowledgedThrough: batch.acknowledgedThrough,
                stored: batch.stored,
                conflictsOpened: conflictsOpened,
                registered: batch.registered
            )
            if retried || batch.setAsideCount > 0, let first = operations.first?.dot.counter,
                let last = operations.last?.dot.counter, first <= last
            {
                outcome.setAside = try batch.setAsideNotices(in: first...last)
            }
            return (outcome, batch.saved)
        }
    }

    /// The checks that need no database: authorship, schema, clock drift.
    private static func checkAlone(
        _ operations: [SyncOperation],
        from agent: EnrolledAgent,
        now: UInt64,
        rules: ExchangeRules
    ) throws {
        let clock = HybridLogicalClock(maxDriftMilliseconds: rules.maxDriftMilliseconds)
        var drifted: [Dot] = []
        for operation in operations {
            guard operation.dot.replica == agent.replica else { throw ExchangeError.notAuthor(operation.dot) }
            do { try operation.validate() } catch { throw ExchangeError.invalid(error, dot: operation.dot) }
            if case .event(let event) = operation.payload {
                if event.action == .register { throw ExchangeError.serverOnly(operation.dot) }
                // An agent acts for the node it is enrolled at, and nobody else.
                guard event.node == agent.gridId else {
                    throw ExchangeError.wrongNode(operation.dot, agentGrid: agent.gridId)
                }
            }
            do { try clock.checkDrift(of: operation.hlc, now: now) } catch { drifted.append(operation.dot) }
        }
        if !drifted.isEmpty { throw ExchangeError.clockDrift(drifted, bound: rules.maxDriftMilliseconds) }
    }
}
