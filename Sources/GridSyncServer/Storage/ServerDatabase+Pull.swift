import Foundation
import GRDB
import Shared

/// One page of operations for an agent, as stored canonical JSON, ready to splice into a response.
struct PulledPage: Sendable {
    let operations: [Data]
    let cursor: UInt64
    let hasMore: Bool
    /// The store's current epoch, read in the same transaction.
    let store: StoreEpoch
    /// On the last page: the digest of the agent's subtree, read in the same transaction, so it is
    /// what the agent holds once it has applied the page (and its own acknowledged operations).
    var digest: ScopeDigest?
}

extension ServerDatabase {
    /// The operations in the agent's scope after `cursor` that it did not author, oldest first.
    ///
    /// An indexed range read on (scope column, seq): its cost grows with what changed since the
    /// cursor in the agent's subtree, never with the size of the county.
    ///
    /// - Throws: ``ExchangeError/resyncRequired(reason:)`` when compaction has dropped operations after
    ///   `cursor`; the floor is read in the same transaction as the page, so none can slip between.
    func pull(for agent: EnrolledAgent, after cursor: UInt64, limit: Int) async throws -> PulledPage {
        try await writer.read { db in
            try Self.requireUncompacted(cursor, db)
            let scopeFilter = agent.scopeColumn.map { "\($0) = ? AND " } ?? ""
            var arguments: StatementArguments = agent.scopeColumn == nil ? [] : [agent.gridId]
            arguments += [Int64(cursor), agent.replica.rawValue, limit + 1]
            var rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT seq, body FROM oplog WHERE \(scopeFilter)seq > ? AND replica != ? ORDER BY seq LIMIT ?"
                ),
                arguments: arguments
            )
            // Incidents sent to the agent's node from outside its subtree: a second indexed range,
            // merged in sequence order (an agent has none unless something was sent to it).
            let assigned = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT oplog.seq, oplog.body FROM assignedOp JOIN oplog ON oplog.seq = assignedOp.seq
                        WHERE assignedOp.node = ? AND assignedOp.seq > ? AND oplog.replica != ? ORDER BY assignedOp.seq LIMIT ?
                        """
                ),
                arguments: [agent.gridId, Int64(cursor), agent.replica.rawValue, limit + 1]
            )
            if !assigned.isEmpty {
                var seen = Set<Int64>()
                rows = (rows + assigned).sorted { ($0["seq"] as Int64) < ($1["seq"] as Int64) }.filter {
                    seen.insert($0["seq"]).inserted
                }
            }
            if rows.count > limit {
                let page = rows.prefix(limit)
                return PulledPage(
                    operations: page.map { $0["body"] },
                    cursor: UInt64(page.last!["seq"] as Int64),
                    hasMore: true,
                    store: try StoreEpochs.current(db)
                )
            }
            // Nothing more in scope: move the cursor to the newest operation of all, so the next
            // pull starts there instead of re-reading this agent's own or out-of-scope operations.
            return PulledPage(
                operations: rows.map { $0["body"] },
                cursor: max(cursor, try latestSequence(db)),
                hasMore: false,
                store: try StoreEpochs.current(db),
                digest: try GridDigests.subtree(of: agent, db)
            )
        }
    }

    /// The newest operation's sequence number: where a snapshot taken now continues.
    ///
    /// Never below the compaction floor, so an emptied log does not send cursors back to 0 (which
    /// the next exchange would refuse as too old, forever).
    func latestSequence(_ db: Database) throws -> UInt64 {
        max(UInt64(try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM oplog") ?? 0), try Self.oplogFloor(db))
    }

    /// The first sequence number the log still holds after compaction; cursors before it need a resync.
    static func oplogFloor(_ db: Database) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db, sql: "SELECT value FROM serverState WHERE key = 'oplogFloor'") ?? 0)
    }

    /// Refuses an exchange from an agent that must take a snapshot first: an operator asked for it,
    /// it never took one, or its cursor is older than the compacted operation log.
    ///
    /// An agent whose last epoch the store has not been through (a restore from an older backup)
    /// is told so first (`store_rolled_back`), with the first of its counters the store needs.
    func requireNoResync(for agent: EnrolledAgent, cursor: UInt64, store: StoreEpoch? = nil) async throws {
        try await writer.read { db in
            if let store, try !StoreEpochs.knows(store, db) {
                let acknowledged = try Self.agent(db, replica: agent.replica)?.acknowledgedThrough ?? 0
                throw ExchangeError.storeRolledBack(needs: Dot(replica: agent.replica, counter: acknowledged + 1))
            }
            if agent.resyncRequestedAt != nil { throw ExchangeError.resyncRequired(reason: agent.resyncReason) }
            try Self.requireUncompacted(cursor, db)
        }
    }

    private static func requireUncompacted(_ cursor: UInt64, _ db: Database) throws {
        let floor = try oplogFloor(db)
        if cursor < floor {
            throw ExchangeError.resyncRequired(reason: "the operation log before \(floor) was compacted")
        }
    }
}
