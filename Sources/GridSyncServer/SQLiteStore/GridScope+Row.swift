import GRDB
import Shared

/// How a ``GridScope`` is read from and written to the SQLite engine's `g1`…`g4` columns.
///
/// Record rows write an absent level as `''` rather than NULL (see ``recordColumns``), so their one
/// scope index can be paged with row-value comparisons, which NULL would defeat.
extension GridScope {
    /// The scope in a row whose `gridId`, `g1`…`g4` are the five columns from `column` on: read
    /// by position, as on every record an exchange touches, where GRDB's lookup by name lowercases
    /// each name it compares.
    init(row: Row, startingAt column: Int = 0) {
        self.init(
            gridId: row[column],
            ancestors: (column + 1...column + 4).map { (row[$0] as String?)?.nilIfEmpty }
        )
    }

    /// The values of a record row's `g1`…`g4`: an absent level is `''`.
    package var recordColumns: [String] { ancestors.map { $0 ?? "" } }

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
