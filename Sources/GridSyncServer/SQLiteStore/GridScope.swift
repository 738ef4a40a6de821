import GRDB
package import Shared

/// A grid node's ancestors at levels 1–4, as stored in the `g1`…`g4` columns of nodes, records and operations.
///
/// Record rows write an absent level as `''` rather than NULL (see ``recordColumns``), so their one
/// scope index can be paged with row-value comparisons, which NULL would defeat.
package struct GridScope: Sendable, Equatable {
    package let gridId: String
    package let ancestors: [String?]  // index 0 is level 1

    init(gridId: String, ancestors: [String?]) {
        self.gridId = gridId
        self.ancestors = ancestors
    }

    init(row: Row) {
        gridId = row["gridId"]
        ancestors = ["g1", "g2", "g3", "g4"].map { column in (row[column] as String?)?.nilIfEmpty }
    }

    /// The values of a record row's `g1`…`g4`: an absent level is `''`.
    package var recordColumns: [String] { ancestors.map { $0 ?? "" } }

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

    /// Loads a node's scope, or nil when the grid does not exist.
    static func fetch(_ db: Database, gridId: String) throws -> GridScope? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id AS gridId, g1, g2, g3, g4 FROM gridNode WHERE id = ?"),
            arguments: [gridId]
        ).map { GridScope(row: $0) }
    }
}

extension String {
    /// Nil for `''`, the record rows' spelling of an absent level.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
