import Shared

/// The grid tree as one transaction reads it, node by node, each remembered for the rest of it:
/// the incident role table's questions and the scope of the grids the batch's records stand in
/// (most of a batch's records stand in its agent's own grid, read once).
///
/// For the role table a node the store cannot read counts as absent, so a step that depends on
/// it is refused.
final class StoredGridPlacement<Storage: MergeStorage>: GridPlacement {
    private let storage: Storage
    private var nodes: [String: GridNodePlacement?] = [:]

    init(_ storage: Storage) { self.storage = storage }

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

    private func node(_ id: String) -> GridNodePlacement? { (try? read(id)) ?? nil }

    private func read(_ id: String) throws -> GridNodePlacement? {
        if let known = nodes[id] { return known }
        let node = try storage.placement(of: id)
        nodes[id] = node
        return node
    }
}
