import Foundation
import GRDB
import Shared

extension SQLiteStore {
    /// Keeps an agent's recovery report for the current epoch; a report sent again replaces itself.
    static func recordRecovery(_ db: Database, _ recovery: StoreRecovery, from agent: EnrolledAgent, now: UInt64) throws
    {
        try db.execute(
            sql:
                "INSERT OR REPLACE INTO storeRecovery (generation, replica, resent, lost, at) VALUES (?, ?, ?, ?, ?)",
            arguments: [
                Int64(try StoreEpochs.current(db).generation), Int64(agent.replica.rawValue),
                Int64(recovery.resent), Int64(recovery.lost), Int64(now),
            ]
        )
    }

    /// The reports for the epoch the store presents now.
    package func recoveryReport() throws -> RecoveryReport {
        try writer.read { db in
            let generation = try StoreEpochs.current(db).generation
            let agents = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.replica, a.name, a.gridId, r.resent, r.lost, r.at FROM storeRecovery r
                    JOIN agent a ON a.replica = r.replica WHERE r.generation = ? ORDER BY r.replica
                    """,
                arguments: [Int64(generation)]
            ).map { row in
                RecoveryEntry(
                    replica: UInt32(row["replica"] as Int64),
                    name: row["name"],
                    gridId: row["gridId"],
                    resent: UInt64(row["resent"] as Int64),
                    lost: UInt64(row["lost"] as Int64),
                    at: UInt64(row["at"] as Int64)
                )
            }
            let notSynced = try agents.map(\.at).min().map { first in
                try Int.fetchOne(
                    db,
                    sql:
                        "SELECT COUNT(*) FROM agent WHERE revokedAt IS NULL AND (lastSyncAt IS NULL OR lastSyncAt < ?)",
                    arguments: [Int64(first)]
                ) ?? 0
            }
            return RecoveryReport(generation: generation, agents: agents, notSyncedSince: notSynced)
        }
    }
}
