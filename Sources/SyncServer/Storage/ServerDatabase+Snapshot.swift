import Foundation
import GRDB
import Shared

/// One page of a snapshot, with record states as stored canonical JSON.
struct SnapshotSlice: Sendable {
    let cursor: UInt64
    let grids: [GridNode]
    let records: [Data]
    let nextAfter: String?
}

extension ServerDatabase {
    /// A page of the agent's scope in record-key order, read from the scope index.
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
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let column = agent.scopeColumn {
                conditions.append("\(column) = ?")
                arguments += [agent.gridId]
            }
            if let after {
                conditions.append("(type, id) > (?, ?)")
                arguments += [after.record.type.rawValue, after.record.id]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [limit + 1]
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT type, id, state FROM record \(filter) ORDER BY type, id LIMIT ?",
                arguments: arguments
            )
            let page = rows.prefix(limit)
            let nextAfter =
                rows.count > limit ? page.last.map { "\($0["type"] as String)/\($0["id"] as String)@\(cursor)" } : nil
            return SnapshotSlice(cursor: cursor, grids: grids, records: page.map { $0["state"] }, nextAfter: nextAfter)
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

/// Where a snapshot continues: the last record sent and the snapshot's cursor, as
/// `type/id@cursor` in `nextAfter`. Clients pass it back unchanged and never look inside.
struct SnapshotPageToken: Sendable, Equatable {
    let record: RecordKey
    let cursor: UInt64

    init?(_ text: String) {
        let parts = text.split(separator: "@", maxSplits: 1)
        guard parts.count == 2, let record = RecordKey(pageKey: parts[0]), let cursor = UInt64(parts[1]) else {
            return nil
        }
        self.record = record
        self.cursor = cursor
    }
}
