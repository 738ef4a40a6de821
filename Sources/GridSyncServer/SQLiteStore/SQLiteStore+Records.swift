package import Foundation
import GRDB
package import Shared

extension SQLiteStore {
    /// The stored states of the named records that lie in the agent's scope (its subtree, or
    /// assigned to its node); the others are left out, whether absent or elsewhere.
    package func records(_ keys: [RecordKey], for agent: EnrolledAgent) async throws -> [Data] {
        try await writer.read { db in
            try keys.compactMap { key in
                guard
                    let row = try Row.fetchOne(
                        db.cachedStatement(
                            sql: "SELECT gridId, g1, g2, g3, g4, state FROM record WHERE type = ? AND id = ?"
                        ),
                        arguments: [key.type.rawValue, key.id]
                    )
                else { return nil }
                if GridScope(row: row).isVisible(to: agent) { return row["state"] }
                let assigned = try Bool.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) > 0 FROM assignment WHERE node = ? AND type = ? AND id = ?",
                    arguments: [agent.gridId, key.type.rawValue, key.id]
                )
                return assigned == true ? row["state"] : nil
            }
        }
    }
}

extension SQLiteStore {
    /// One page of the records whose grid is `grid`, in `(type, id)` order after `after`, with the
    /// key to continue from when more follow; nil when `grid` is not in the agent's subtree.
    ///
    /// For an agent whose digest of a grid differed from the server's: it replaces what it holds
    /// of that grid with these (``GridDigests``).
    package func records(
        inGrid grid: String,
        after: RecordKey?,
        limit: Int,
        for agent: EnrolledAgent
    ) async throws -> (states: [Data], nextAfter: RecordKey?)? {
        try await writer.read { db in
            guard let scope = try GridScope.fetch(db, gridId: grid), scope.isVisible(to: agent) else { return nil }
            // The grid's own level column leads the scope index (type and id follow it).
            let column = scope.ancestors.firstIndex(of: grid).map { "g\($0 + 1) = ? AND " } ?? ""
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT type, id, state FROM record WHERE \(column)gridId = ? AND (type, id) > (?, ?)
                    ORDER BY type, id LIMIT ?
                    """,
                arguments: StatementArguments(column.isEmpty ? [grid] : [grid, grid])
                    + [after?.type.rawValue ?? "", after?.id ?? "", limit + 1]
            )
            let page = rows.prefix(limit)
            let next =
                rows.count > limit
                ? page.last.flatMap { row in
                    RecordType(rawValue: row["type"]).map { RecordKey(type: $0, id: row["id"]) }
                }
                : nil
            return (page.map { $0["state"] }, next)
        }
    }

    /// The digest of each grid of the agent's subtree that holds records.
    package func gridDigests(for agent: EnrolledAgent) async throws -> [GridDigest] {
        try await writer.read { db in
            try GridDigests.grids(of: agent, db).map { GridDigest(id: $0.id, digest: $0.digest) }
        }
    }
}
