package import Shared

/// A grid node's ancestors at levels 1–4, as the grid tree places it: the `g1`…`g4` an engine
/// files nodes, records and operations under.
///
/// A value type above the engines, since the exchange rules (``MergeBatch``) judge scope by it;
/// how an engine reads and writes it (the SQLite engine's rows, in `GridScope+Row`) stays with
/// the engine.
package struct GridScope: Sendable, Equatable {
    package let gridId: String
    package let ancestors: [String?]  // index 0 is level 1

    init(gridId: String, ancestors: [String?]) {
        self.gridId = gridId
        self.ancestors = ancestors
    }

    /// The node's ancestors in `tree`, itself included at its own level.
    package init(node: GridNode, in tree: GridTree) {
        var ancestors: [String?] = [nil, nil, nil, nil]
        var current: GridNode? = node
        while let next = current, next.level != .county {
            ancestors[next.level.rawValue - 1] = next.id
            current = next.parentID.flatMap { tree[$0] }
        }
        self.init(gridId: node.id, ancestors: ancestors)
    }

    /// True when the agent's subtree holds this grid.
    func isVisible(to agent: EnrolledAgent) -> Bool {
        agent.level == .county || ancestors[agent.level.rawValue - 1] == agent.gridId
    }
}
