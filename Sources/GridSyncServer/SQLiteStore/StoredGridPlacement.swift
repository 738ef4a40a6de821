import GRDB
import Shared

/// The grid tree as one transaction reads it, node by node, each remembered for the rest of it:
/// the incident role table's questions and the scope of the grids the batch's records stand in
/// (most of a batch's records stand in its agent's own grid, read once).
///
/// For the role table a node the store cannot read counts as absent, so a step that depends on
/// it is refused.
final class StoredGridPlacement: GridPlacement {
    private struct Node {
        let level: Int
        let kind: String
        let ancestors: [String?]
    }

    private let db: Database
    private var nodes: [String: Node?] = [:]

    init(_ db: Database) { self.db = db }

    /// The node's scope, or nil when the grid does not exist.
    func scope(of id: String) throws -> GridScope? {
        try read(id).map { GridScope(gridId: id, ancestors: $0.ancestors) }
    }

    func isCounty(_ node: String) -> Bool { self.node(node)?.level == GridLevel.county.rawValue }

    func isDepartment(_ node: String) -> Bool { self.node(node)?.kind == GridNode.Kind.department.rawValue }

    func isBelow(_ node: String, _ ancestor: String) -> Bool {
        guard node != ancestor, let below = self.node(node) else { return false }
        return isCounty(ancestor) || below.ancestors.contains(ancestor)
    }

    private func node(_ id: String) -> Node? { (try? read(id)) ?? nil }

    private func read(_ id: String) throws -> Node? {
        if let known = nodes[id] { return known }
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT level, kind, g1, g2, g3, g4 FROM gridNode WHERE id = ?"),
            arguments: [id]
        )
        let node = row.map { row in
            Node(
                level: row["level"],
                kind: row["kind"],
                ancestors: ["g1", "g2", "g3", "g4"].map { (row[$0] as String?)?.nilIfEmpty }
            )
        }
        nodes[id] = node
        return node
    }
}
