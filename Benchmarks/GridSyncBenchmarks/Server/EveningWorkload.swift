import Foundation
import GRDB
import GridSyncServer
import Shared

/// An evening's uploads: one agent per level-4 grid, each sending batches of household edits —
/// new households first, then changes to them — as a village worker's day produces.
struct EveningWorkload {
    struct Batch {
        let id: String
        let agent: EnrolledAgent
        let token: String
        let scope: GridScope
        let operations: [SyncOperation]
        /// The operations' canonical JSON, for the baseline that writes the same rows.
        let bodies: [Data]
    }

    let batches: [Batch]

    /// Enrolls an agent at each of `groups` (snapshot already taken) and authors its batches.
    init(database: SQLiteStore, groups: [GridNode], batches perAgent: Int, batchSize: Int, now: UInt64) throws {
        var generator = SplitMix64(seed: 29)
        let tree = try GridTree(DemoCounty.grids())
        var result: [Batch] = []
        for grid in groups {
            let (agent, token) = try database.enroll(gridId: grid.id, name: nil, actor: "bench", now: now)
            try database.writer.write { db in
                try db.execute(
                    sql: "UPDATE agent SET resyncRequestedAt = NULL WHERE replica = ?",
                    arguments: [agent.replica.rawValue]
                )
            }
            var replica = InMemoryReplica(replica: agent.replica)
            var households: [RecordKey] = []
            for batchNumber in 0..<perAgent {
                var operations: [SyncOperation] = []
                while operations.count < batchSize {
                    if households.count < 5 || Int.random(in: 0..<10, using: &generator) == 0 {
                        let key = RecordKey(
                            type: .household,
                            id: RecordID.make(nowMilliseconds: now, using: &generator)
                        )
                        households.append(key)
                        operations.append(
                            replica.write(
                                .create([
                                    "gridId": .string(grid.id), "address": .string("\(grid.name)\(households.count)号"),
                                    "headName": .string("演示户主"),
                                ]),
                                to: key,
                                now: now
                            )
                        )
                    } else {
                        let key = households[Int.random(in: 0..<households.count, using: &generator)]
                        let edit: [String: FieldValue] =
                            Int.random(in: 0..<2, using: &generator) == 0
                            ? ["phone": .string("170\(10_000_000 + Int.random(in: 0..<9_000_000, using: &generator))")]
                            : ["note": .string("走访记录\(batchNumber)-\(operations.count)")]
                        operations.append(replica.write(.set(edit), to: key, now: now))
                    }
                }
                result.append(
                    Batch(
                        id: "\(agent.replica.rawValue)-\(batchNumber)",
                        agent: agent,
                        token: token,
                        scope: GridScope(node: grid, in: tree),
                        operations: operations,
                        bodies: operations.map { CanonicalJSON.encode($0) }
                    )
                )
            }
        }
        batches = result
    }
}
