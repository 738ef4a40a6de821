package import Foundation
import GRDB
package import Shared

extension SQLiteStore {
    /// A page of the agent's scope in the scope index's order (ancestry, then type, then id).
    ///
    /// The first page (`after` nil) fixes the snapshot's cursor, carries the scope's grid tree and
    /// marks any pending resync as taken, in the audit trail. Later pages repeat the first page's
    /// cursor, which travels inside the page token, so every page of one snapshot says the same.
    ///
    /// Pages are read in separate transactions, yet every record in scope at the cursor arrives
    /// exactly once: records are paged by where they stood at the cursor. A record that moved since
    /// stands, for this snapshot, where ``recordMove`` says it stood before its first move after the
    /// cursor, so a move between two pages neither skips it nor sends it twice.
    package func snapshot(
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
            let cursor = try after?.cursor ?? Self.latestSequence(db)
            let first = after == nil
            // Equality on the agent's own ancestry, then the scope index's order from the token on.
            var own: [String] = []
            if agent.level != .county, let scope = try GridScope.fetch(db, gridId: agent.gridId) {
                own = Array(scope.recordColumns.prefix(agent.level.rawValue))
            }
            let ownFilter = own.indices.map { "g\($0 + 1) = ?" }
            let recordCount =
                first
                ? try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM record"
                        + (own.isEmpty ? "" : " WHERE " + ownFilter.joined(separator: " AND ")),
                    arguments: StatementArguments(own)
                )! + Int.fetchOne(db, sql: "SELECT COUNT(*) FROM assignment WHERE node = ?", arguments: [agent.gridId])!
                : nil
            var entries: [SnapshotEntry] = []
            if after?.scope != nil || first {
                let from = after.flatMap { token in
                    token.scope.map { $0 + [token.record.type.rawValue, token.record.id] }
                }
                entries = try Self.subtreePage(db, own: own, after: from, cursor: cursor, limit: limit + 1)
            }
            if entries.count <= limit {
                // Then the incidents sent to the agent's node from outside its subtree.
                let from = after?.scope == nil ? after?.record : nil
                entries += try Row.fetchAll(
                    db,
                    sql: """
                        SELECT record.type, record.id, record.state FROM assignment
                        JOIN record ON record.type = assignment.type AND record.id = assignment.id
                        WHERE assignment.node = ? AND (assignment.type, assignment.id) > (?, ?)
                        ORDER BY assignment.type, assignment.id LIMIT ?
                        """,
                    arguments: [agent.gridId, from?.type.rawValue ?? "", from?.id ?? "", limit + 1 - entries.count]
                ).map { SnapshotEntry(position: nil, row: $0) }
            }
            let page = entries.prefix(limit)
            let nextAfter =
                entries.count > limit ? page.last.map { SnapshotPageToken(entry: $0, cursor: cursor).text } : nil
            return SnapshotSlice(
                cursor: cursor,
                grids: first ? try Self.scopeGrids(db, of: agent) : [],
                records: page.map(\.state),
                nextAfter: nextAfter,
                recordCount: recordCount,
                calendar: first ? try Self.calendar(db) : nil
            )
        }
    }

    /// Up to `limit` records of the subtree whose ancestry starts with `own`, in order of where
    /// they stood at `cursor`, after the position `after` (ancestry, type, id).
    private static func subtreePage(
        _ db: Database,
        own: [String],
        after: [String]?,
        cursor: UInt64,
        limit: Int
    ) throws -> [SnapshotEntry] {
        let moved = try positions(atCursor: cursor, db)
        var conditions = own.indices.map { "g\($0 + 1) = ?" }
        var arguments = StatementArguments(own)
        if let after {
            conditions.append("(g1, g2, g3, g4, type, id) > (?, ?, ?, ?, ?, ?)")
            arguments += StatementArguments(after)
        }
        arguments += [limit + moved.count]
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        // Where records stand now, leaving out those that moved since the cursor…
        var entries = try Row.fetchAll(
            db,
            sql:
                "SELECT g1, g2, g3, g4, type, id, state FROM record \(filter) ORDER BY g1, g2, g3, g4, type, id LIMIT ?",
            arguments: arguments
        ).map { row in SnapshotEntry(position: ["g1", "g2", "g3", "g4"].map { row[$0] as String }, row: row) }
            .filter { moved[$0.key] == nil }
        // …which take their place where they stood at it.
        for (key, position) in moved where position.starts(with: own) {
            let place = position + [key.type.rawValue, key.id]
            guard after.map({ SnapshotEntry.precedes($0, place) }) ?? true,
                let state = try Data.fetchOne(
                    db,
                    sql: "SELECT state FROM record WHERE type = ? AND id = ?",
                    arguments: [key.type.rawValue, key.id]
                )
            else { continue }
            entries.append(SnapshotEntry(position: position, key: key, state: state))
        }
        entries.sort { SnapshotEntry.precedes($0.place, $1.place) }
        return Array(entries.prefix(limit))
    }

    /// Records that moved after `cursor`, with the ancestry they had before their first move since.
    private static func positions(atCursor cursor: UInt64, _ db: Database) throws -> [RecordKey: [String]] {
        var positions: [RecordKey: [String]] = [:]
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT type, id, g1, g2, g3, g4 FROM recordMove AS move WHERE seq > ? AND NOT EXISTS (
                    SELECT 1 FROM recordMove AS earlier
                    WHERE earlier.type = move.type AND earlier.id = move.id AND earlier.seq > ? AND earlier.seq < move.seq)
                """,
            arguments: [Int64(cursor), Int64(cursor)]
        )
        for row in rows {
            guard let type = RecordType(rawValue: row["type"]) else { continue }
            positions[RecordKey(type: type, id: row["id"])] = ["g1", "g2", "g3", "g4"].map { row[$0] as String }
        }
        return positions
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

/// One record of a snapshot page: where it stands for the snapshot and its stored state.
struct SnapshotEntry {
    /// The record's ancestry `g1`…`g4` in the subtree phase; nil for an assigned incident.
    let position: [String]?
    let key: RecordKey
    let state: Data

    init(position: [String]?, key: RecordKey, state: Data) {
        self.position = position
        self.key = key
        self.state = state
    }

    init(position: [String]?, row: Row) {
        self.init(
            position: position,
            key: RecordKey(type: RecordType(rawValue: row["type"]) ?? .household, id: row["id"]),
            state: row["state"]
        )
    }

    /// Its place in the scope index's order: ancestry, type, id.
    var place: [String] { (position ?? []) + [key.type.rawValue, key.id] }

    /// The scope index's order: column by column, text compared by its UTF-8 bytes as SQLite does.
    static func precedes(_ lhs: [String], _ rhs: [String]) -> Bool {
        for (left, right) in zip(lhs, rhs) where left != right {
            return left.utf8.lexicographicallyPrecedes(right.utf8)
        }
        return lhs.count < rhs.count
    }
}

extension SnapshotPageToken {
    /// The token after `entry`.
    init(entry: SnapshotEntry, cursor: UInt64) {
        self.init(scope: entry.position, record: entry.key, cursor: cursor)
    }
}
