import GRDB
import Shared

/// How an enrolled agent is read from the `agent` table.
extension EnrolledAgent {
    /// The `g1`…`g4` column that holds this agent's grid for everything in its subtree; nil for
    /// a county-level agent, which sees everything.
    var scopeColumn: String? {
        level == .county ? nil : "g\(level.rawValue)"
    }

    /// The columns ``init(row:)`` reads, by position: every exchange reads its agent twice, and
    /// GRDB's lookup by name lowercases each name it compares.
    static let selection = """
        SELECT agent.replica, agent.name, agent.gridId, gridNode.level, agent.enrolledAt, agent.lastSyncAt,
            agent.cursor, agent.acknowledgedThrough, agent.resyncRequestedAt, agent.resyncReason, agent.revokedAt
        FROM agent JOIN gridNode ON gridNode.id = agent.gridId
        """

    init(row: Row) {
        replica = ReplicaID(UInt32(row[0] as Int64))
        name = row[1]
        gridId = row[2]
        level = GridLevel(rawValue: row[3]) ?? .group
        enrolledAt = UInt64(row[4] as Int64)
        lastSyncAt = (row[5] as Int64?).map(UInt64.init)
        cursor = UInt64(row[6] as Int64)
        acknowledgedThrough = UInt64(row[7] as Int64)
        resyncRequestedAt = (row[8] as Int64?).map(UInt64.init)
        resyncReason = row[9]
        revokedAt = (row[10] as Int64?).map(UInt64.init)
    }
}
