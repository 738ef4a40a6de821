import Foundation
import GRDB
import Shared

extension ServerDatabase {
    /// The stored states of the named records that lie in the agent's scope (its subtree, or
    /// assigned to its node); the others are left out, whether absent or elsewhere.
    func records(_ keys: [RecordKey], for agent: EnrolledAgent) async throws -> [Data] {
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
