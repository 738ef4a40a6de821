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
    /// The county's calendar, on the first page.
    let calendar: WorkCalendar?
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
            let first = after == nil
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
                first
                ? try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record \(scopeFilter)", arguments: arguments)!
                    + Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM assignment WHERE node = ?",
                        arguments: [agent.gridId]
                    )! : nil
            var rows: [Row] = []
            if after?.scope != nil || first {
                if let scope = after?.scope, let record = after?.record {
                    conditions.append("(g1, g2, g3, g4, type, id) > (?, ?, ?, ?, ?, ?)")
                    arguments += StatementArguments(scope + [record.type.rawValue, record.id])
                }
                let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
                arguments += [limit + 1]
                rows = try Row.fetchAll(
                    db,
                    sql:
                        "SELECT g1, g2, g3, g4, type, id, state FROM record \(filter) ORDER BY g1, g2, g3, g4, type, id LIMIT ?",
                    arguments: arguments
                )
            }
            if rows.count <= limit {
                // Then the incidents sent to the agent's node from outside its subtree.
                let from = after?.scope == nil ? after?.record : nil
                rows += try Row.fetchAll(
                    db,
                    sql: """
                        SELECT NULL AS g1, record.type, record.id, record.state FROM assignment
                        JOIN record ON record.type = assignment.type AND record.id = assignment.id
                        WHERE assignment.node = ? AND (assignment.type, assignment.id) > (?, ?)
                        ORDER BY assignment.type, assignment.id LIMIT ?
                        """,
                    arguments: [agent.gridId, from?.type.rawValue ?? "", from?.id ?? "", limit + 1 - rows.count]
                )
            }
            let page = rows.prefix(limit)
            let nextAfter = rows.count > limit ? page.last.map { SnapshotPageToken(row: $0, cursor: cursor).text } : nil
            return SnapshotSlice(
                cursor: cursor,
                grids: first ? try Self.scopeGrids(db, of: agent) : [],
                records: page.map { $0["state"] },
                nextAfter: nextAfter,
                recordCount: recordCount,
                calendar: first ? try Self.calendar(db) : nil
            )
        }
    }

    /// The agent's node, its ancestors up to the county, its whole subtree, and the county's
    /// departments (an agent dispatches incidents to them, so it must know their codes).
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
        let known = Set(nodes.map(\.id))
        nodes += try Row.fetchAll(db, sql: "SELECT * FROM gridNode WHERE kind = 'department' ORDER BY id").map(
            GridNode.init(row:)
        ).filter { !known.contains($0.id) }
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

/// Where a snapshot continues: the last record sent and the snapshot's cursor. Records of the
/// agent's subtree come first, as `g1,g2,g3,g4,type/id@cursor` (the record's ancestry); then the
/// incidents assigned to the agent's node, as `assigned,type/id@cursor`. Clients pass `nextAfter`
/// back unchanged and never look inside.
struct SnapshotPageToken: Sendable, Equatable {
    /// The record's ancestry in the subtree phase; nil in the assigned phase.
    let scope: [String]?
    let record: RecordKey
    let cursor: UInt64

    init?(_ text: String) {
        let parts = text.split(separator: "@", maxSplits: 1)
        guard parts.count == 2, let cursor = UInt64(parts[1]) else { return nil }
        let fields = parts[0].split(separator: ",", omittingEmptySubsequences: false)
        if fields.count == 2, fields[0] == "assigned", let record = RecordKey(pageKey: fields[1]) {
            scope = nil
            self.record = record
        } else {
            guard fields.count == 5, let record = RecordKey(pageKey: fields[4]) else { return nil }
            scope = fields.prefix(4).map(String.init)
            self.record = record
        }
        self.cursor = cursor
    }

    /// The token after `row`: a subtree row carries its ancestry, an assigned one `g1` NULL.
    init(row: Row, cursor: UInt64) {
        scope = (row["g1"] as String?).map { _ in ["g1", "g2", "g3", "g4"].map { row[$0] as String? ?? "" } }
        record = RecordKey(type: RecordType(rawValue: row["type"]) ?? .household, id: row["id"])
        self.cursor = cursor
    }

    var text: String { (scope ?? ["assigned"]).joined(separator: ",") + ",\(record)@\(cursor)" }
}
