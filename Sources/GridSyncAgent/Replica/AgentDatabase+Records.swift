import Foundation
import GRDB
import Shared

/// Reading and writing record rows; every caller is already inside a transaction.
extension AgentDatabase {
    static func state(_ db: Database, _ key: RecordKey) throws -> RecordState? {
        guard
            let data = try Data.fetchOne(
                db.cachedStatement(sql: "SELECT state FROM record WHERE type = ? AND id = ?"),
                arguments: [key.type.rawValue, key.id]
            )
        else { return nil }
        return try CanonicalJSON.decode(RecordState.self, from: data)
    }

    /// Writes a record's state with what listing needs beside it: its visible grid and its conflicts.
    static func store(_ db: Database, _ state: RecordState, generation: Int64) throws {
        try store(db, SnapshotRows.Row(state), generation: generation)
    }

    /// Removes a record's row: the server no longer has the record, or it left the scope.
    static func remove(_ db: Database, _ key: RecordKey) throws {
        try db.execute(
            sql: "DELETE FROM record WHERE type = ? AND id = ?",
            arguments: [key.type.rawValue, key.id]
        )
    }

    /// Writes a record row as a snapshot delivered it, its state bytes untouched.
    static func store(_ db: Database, _ row: SnapshotRows.Row, generation: Int64) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO record (type, id, gridId, conflicts, generation, state) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (type, id) DO UPDATE SET gridId = excluded.gridId, conflicts = excluded.conflicts,
                    generation = excluded.generation, state = excluded.state
                """
        ).execute(arguments: [row.type.rawValue, row.id, row.gridId, row.conflicts, generation, row.state])
    }

    /// The grid tree of the scope, as the last snapshot delivered it.
    static func gridTree(_ db: Database) throws -> GridTree {
        let nodes = try Data.fetchAll(db, sql: "SELECT node FROM gridNode").map {
            try CanonicalJSON.decode(GridNode.self, from: $0)
        }
        return try GridTree(nodes)
    }

    static func replaceGrids(_ db: Database, with nodes: [GridNode]) throws {
        _ = try GridTree(nodes)  // refuse an inconsistent tree before replacing the one we have
        try db.execute(sql: "DELETE FROM gridNode")
        for node in nodes {
            try db.execute(
                sql: "INSERT INTO gridNode (id, node) VALUES (?, ?)",
                arguments: [node.id, CanonicalJSON.encode(node)]
            )
        }
    }

    /// The replica row; every command but `enroll` needs one.
    static func requireState(_ db: Database) throws -> ReplicaState {
        guard let state = try ReplicaState.fetch(db) else { throw AgentError.notEnrolled }
        return state
    }
}
