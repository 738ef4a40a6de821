import Foundation
import GRDB
import Shared

/// One page of a snapshot, with record states as stored canonical JSON.
struct SnapshotSlice: Sendable {
    let cursor: UInt64
    let grids: [GridNode]
    let records: [Data]
    let nextAfter: String?
    /// The number of records in the whole scope, counted on the first page for the agent's progress bar.
    let recordCount: Int?
}

extension ServerDatabase {
    /// A page of the agent's scope in the scope index's order (ancestry, then type, then id).
    ///
    /// The first page (`after` nil) fixes the snapshot's cursor, carries the scope's grid tree and
    /// marks any pending resync as taken, in the audit trail. Later pages repeat the first page's
    /// cursor, which travels inside the page token, so every page of one snapshot says the same.
    func snapshot(
        for agent: EnrolledAgent,
        after: SnapshotPageToken?,
        limit: Int,
        now: UInt64
    ) async throws -> SnapshotSlice {
        if after == nil, agent.resyncRequestedAt != nil {
            try await writer.write { db in
                try db.execute(
                    sql: "UPDATE agent SET resyncRequestedAt = NULL, resyncReason = NULL WHERE replica = ?",
                    arguments: [agent.replica.rawValue]
                )
                try Audit.record(
                    db,
                    at: now,
                    actor: "agent:\(agent.replica.rawValue)",
                    action: "snapshot",
                    subject: agent.gridId,
                    detail: agent.resyncReason
                )
            }
        }
        return try await writer.read { db in
            let cursor = try after?.cursor ?? latestSequence(db)
            let grids = after == nil ? try Self.scopeGrids(db, of: agent) : []
            // Equality on the agent's own ancestry, then the scope index's order from the token on.
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if agent.level != .county, let own = try GridScope.fetch(db, gridId: agent.gridId) {
                for level in 0..<agent.level.rawValue {
                    conditions.append("g\(level + 1) = ?")
                    arguments += [own.recordColumns[level]]
                }
            }
            let scopeFilter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let recordCount =
                after == nil
                ? try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record \(scopeFilter)", arguments: arguments) : nil
            if let after {
                conditions.append("(g1, g2, g3, g4, type, id) > (?, ?, ?, ?, ?, ?)")
                arguments += StatementArguments(after.scope + [after.record.type.rawValue, after.record.id])
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [limit + 1]
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT g1, g2, g3, g4, type, id, state FROM record \(filter) ORDER BY g1, g2, g3, g4, type, id LIMIT ?",
                arguments: arguments
            )
            let page = rows.prefix(limit)
            let nextAfter = rows.count > limit ? page.last.map { SnapshotPageToken(row: $0, cursor: cursor).text } : nil
            return SnapshotSlice(
                cursor: cursor,
                grids: grids,
                records: page.map { $0["state"] },
                nextAfter: nextAfter,
                recordCount: recordCount
            )
        }
    }

    /// The agent's node, its ancestors up to the county, and its whole subtree.
    private static func scopeGrids(_ db: Database, of agent: EnrolledAgent) throws -> [GridNode] {
        let subtree =
            if let column = agent.scopeColumn {
                try Row.fetchAll(
                    db,
                    sql: "SELECT * FROM gridNode WHERE \(column) = ? ORDER BY id",
                    arguments: [agent.gridId]
                )
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM gridNode ORDER BY id")
            }
        var nodes = subtree.map(GridNode.init(row:))
        var parent = nodes.first { $0.id == agent.gridId }?.parentID
        while let id = parent,
            let row = try Row.fetchOne(db, sql: "SELECT * FROM gridNode WHERE id = ?", arguments: [id])
        {
            let node = GridNode(row: row)
            nodes.insert(node, at: 0)
            parent = node.parentID
        }
        return nodes
    }
}

extension RecordKey {
    /// Parses the `type/id` form operators and page tokens use.
    init?(pageKey: some StringProtocol) {
        let parts = pageKey.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let type = RecordType(rawValue: String(parts[0])), RecordID.isValid(String(parts[1]))
        else { return nil }
        self.init(type: type, id: String(parts[1]))
    }
}

/// Where a snapshot continues: the last record sent, its ancestry and the snapshot's cursor, as
/// `g1,g2,g3,g4,type/id@cursor` in `nextAfter`. Clients pass it back unchanged and never look inside.
struct SnapshotPageToken: Sendable, Equatable {
    let scope: [String]
    let record: RecordKey
    let cursor: UInt64

    init?(_ text: String) {
        let parts = text.split(separator: "@", maxSplits: 1)
        guard parts.count == 2, let cursor = UInt64(parts[1]) else { return nil }
        let fields = parts[0].split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count == 5, let record = RecordKey(pageKey: fields[4]) else { return nil }
        self.scope = fields.prefix(4).map(String.init)
        self.record = record
        self.cursor = cursor
    }

    init(row: Row, cursor: UInt64) {
        scope = ["g1", "g2", "g3", "g4"].map { row[$0] as String? ?? "" }
        record = RecordKey(type: RecordType(rawValue: row["type"]) ?? .household, id: row["id"])
        self.cursor = cursor
    }

    var text: String { (scope + ["\(record)"]).joined(separator: ",") + "@\(cursor)" }
}
