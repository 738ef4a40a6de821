import Foundation
import GRDB
import Shared

/// Operations of a newer server release this agent could not read when it pulled them: kept as
/// they came, so a laptop one release behind keeps syncing, and read again after every upgrade.
extension AgentDatabase {
    /// How many pulled operations wait for this laptop to understand them.
    package func unreadableCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM unreadable") ?? 0 }
    }

    /// Reads the kept operations again and merges those this release understands now, in the
    /// order they came (operations waiting on them are released by the merge).
    ///
    /// - Returns: how many were merged.
    @discardableResult
    func readKeptOperations() throws -> Int {
        try transaction { store in
            var merged = 0
            for row in try Row.fetchAll(store.db, sql: "SELECT id, operation FROM unreadable ORDER BY id") {
                guard let operation = try? CanonicalJSON.decode(SyncOperation.self, from: row["operation"]) else {
                    continue
                }
                let applied = try Self.mergeOrKeep(operation, movingClock: false, in: &store)
                try store.db.execute(sql: "DELETE FROM unreadable WHERE id = ?", arguments: [row["id"] as Int64])
                merged += applied > 0 ? 1 : 0
            }
            return merged
        }
    }
}
