import GRDB
import Shared

/// How an enrolled agent is read from the `agent` table.
extension EnrolledAgent {
    /// The `g1`…`g4` column that holds this agent's grid for everything in its subtree; nil for
    /// a county-level agent, which sees everything.
    var scopeColumn: String? {
        level == .county ? nil : "g\(level.rawValue)"
    }

    static let selection = """
        SELECT agent.*, gridNode.level AS gridLevel FROM agent JOIN gridNode ON gridNode.id = agent.gridId
        """

    init(row: Row) {
        replica = ReplicaID(UInt32(row["replica"] as Int64))
        name = row["name"]
        gridId = row["gridId"]
        level = GridLevel(rawValue: row["gridLevel"]) ?? .group
        enrolledAt = UInt64(row["enrolledAt"] as Int64)
        lastSyncAt = (row["lastSyncAt"] as Int64?).map(UInt64.init)
        cursor = UInt64(row["cursor"] as Int64)
        acknowledgedThrough = UInt64(row["acknowledgedThrough"] as Int64)
        resyncRequestedAt = (row["resyncRequestedAt"] as Int64?).map(UInt64.init)
        resyncReason = row["resyncReason"]
        revokedAt = (row["revokedAt"] as Int64?).map(UInt64.init)
    }
}
