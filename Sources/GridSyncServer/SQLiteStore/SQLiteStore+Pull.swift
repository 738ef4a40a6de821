import Foundation
import GRDB
import Shared

extension SQLiteStore {
    /// The operations in the agent's scope after `cursor` that it did not author, oldest first.
    ///
    /// An indexed range read on (scope column, seq): its cost grows with what changed since the
    /// cursor in the agent's subtree, never with the size of the county. The caller has checked,
    /// in the same transaction, that compaction left the operations after `cursor`
    /// (``requireNoResync(_:for:cursor:store:)``), so none can slip between.
    static func pull(_ db: Database, for agent: EnrolledAgent, after cursor: UInt64, limit: Int) throws -> PulledPage {
        let scopeFilter = agent.scopeColumn.map { "\($0) = ? AND " } ?? ""
        var arguments: StatementArguments = agent.scopeColumn == nil ? [] : [agent.gridId]
        arguments += [Int64(cursor), agent.replica.rawValue, limit + 1]
        // Both reads select `seq, body`, read by position.
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
            rows = (rows + assigned).sorted { ($0[0] as Int64) < ($1[0] as Int64) }.filter {
                seen.insert($0[0]).inserted
            }
        }
        if rows.count > limit {
            let page = rows.prefix(limit)
            return PulledPage(
                operations: page.map { $0[1] },
                cursor: UInt64(page.last![0] as Int64),
                hasMore: true,
                store: try StoreEpochs.current(db)
            )
        }
        // Nothing more in scope: move the cursor to the newest operation of all, so the next
        // pull starts there instead of re-reading this agent's own or out-of-scope operations.
        return PulledPage(
            operations: rows.map { $0[1] },
            cursor: max(cursor, try Self.latestSequence(db)),
            hasMore: false,
            store: try StoreEpochs.current(db),
            digest: try GridDigests.subtree(of: agent, db)
        )
    }

    /// The newest operation's sequence number: where a snapshot taken now continues.
    ///
    /// Never below the compaction floor, so an emptied log does not send cursors back to 0 (which
    /// the next exchange would refuse as too old, forever).
    static func latestSequence(_ db: Database) throws -> UInt64 {
        max(
            UInt64(try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM oplog")) ?? 0),
            try Self.oplogFloor(db)
        )
    }

    /// The first sequence number the log still holds after compaction; cursors before it need a resync.
    static func oplogFloor(_ db: Database) throws -> UInt64 {
        UInt64(
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM serverState WHERE key = 'oplogFloor'")) ?? 0
        )
    }

    /// Refuses an exchange from an agent that must take a snapshot first: an operator asked for it,
    /// it never took one, or its cursor is older than the compacted operation log.
    ///
    /// An agent whose last epoch the store has not been through (a restore from an older backup)
    /// is told so first (`store_rolled_back`), with the first of its counters the store needs.
    static func requireNoResync(_ db: Database, for agent: EnrolledAgent, cursor: UInt64, store: StoreEpoch?) throws {
        if let store, try !StoreEpochs.knows(store, db) {
            throw ExchangeError.storeRolledBack(
                needs: Dot(replica: agent.replica, counter: agent.acknowledgedThrough + 1)
            )
        }
        if agent.resyncRequestedAt != nil { throw ExchangeError.resyncRequired(reason: agent.resyncReason) }
        try Self.requireUncompacted(cursor, db)
    }

    private static func requireUncompacted(_ cursor: UInt64, _ db: Database) throws {
        let floor = try oplogFloor(db)
        if cursor < floor {
            throw ExchangeError.resyncRequired(reason: "the operation log before \(floor) was compacted")
        }
    }
}
