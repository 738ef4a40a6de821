import GRDB
import Shared

/// The incident role table's view of the stored grid tree, read node by node inside the batch's
/// transaction and remembered for the rest of it.
///
/// A node the store cannot read counts as absent, so a step that depends on it is refused.
final class StoredGridPlacement: GridPlacement {
    private struct Node {
        let level: Int
        let kind: String
        let ancestors: [String?]
    }

    private let db: Database
    private var nodes: [String: Node?] = [:]

    init(_ db: Database) { self.db = db }

    func isCounty(_ node: String) -> Bool { self.node(node)?.level == GridLevel.county.rawValue }

    func isDepartment(_ node: String) -> Bool { self.node(node)?.kind == GridNode.Kind.department.rawValue }

    func isBelow(_ node: String, _ ancestor: String) -> Bool {
        guard node != ancestor, let below = self.node(node) else { return false }
        return isCounty(ancestor) || below.ancestors.contains(ancestor)
    }

    private func node(_ id: String) -> Node? {
        if let known = nodes[id] { return known }
        let row = try? Row.fetchOne(
            db.cachedStatement(sql: "SELECT level, kind, g1, g2, g3, g4 FROM gridNode WHERE id = ?"),
            arguments: [id]
        )
        let node = row.map {
            Node(level: $0["level"], kind: $0["kind"], ancestors: [$0["g1"], $0["g2"], $0["g3"], $0["g4"]])
        }
        nodes[id] = node
        return node
    }
}
