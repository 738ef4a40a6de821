import Foundation
import GRDB
package import Shared

extension SQLiteStore {
    /// The set-aside operations, oldest first; only those still waiting for a decision unless `all`.
    package func setAsideEntries(all: Bool = false) throws -> [SetAsideEntry] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM setAside \(all ? "" : "WHERE status = 'pending'") ORDER BY id"
            ).map { row in
                let operation = try CanonicalJSON.decode(SyncOperation.self, from: row["body"])
                return SetAsideEntry(
                    id: row["id"],
                    replica: UInt32(row["replica"] as Int64),
                    counter: UInt64(row["counter"] as Int64),
                    type: operation.type,
                    recordId: operation.id,
                    kind: operation.payload.kind.rawValue,
                    code: row["code"],
                    message: row["message"],
                    messageZh: row["messageZh"],
                    at: UInt64(row["at"] as Int64),
                    status: row["status"],
                    decidedBy: row["decidedBy"],
                    reason: row["reason"]
                )
            }
        }
    }

    /// Decides on a pending set-aside operation: `apply` authors its change as the county's own
    /// operation (every agent in scope receives it, its author included); otherwise it is
    /// discarded. Either way, who decided and why goes to the audit trail.
    package func decideSetAside(_ id: Int64, apply: Bool, reason: String, actor: String, now: UInt64) throws {
        try writer.write { db in
            guard
                let row = try Row.fetchOne(db, sql: "SELECT body, status FROM setAside WHERE id = ?", arguments: [id]),
                row["status"] == "pending"
            else {
                throw ModelError.invalid(
                    LocalizedText(
                        "There is no set-aside operation \(id) waiting for a decision.",
                        zh: "不存在待处理的搁置操作 \(id)。"
                    )
                )
            }
            let operation = try CanonicalJSON.decode(SyncOperation.self, from: row["body"])
            if apply {
                var batch = try MergeBatch(over: SQLiteMergeStorage(db), agent: nil, now: now, rules: ExchangeRules())
                try batch.author(operation.payload, on: operation.record)
                _ = try batch.finish(batchId: nil, cursor: nil)
            }
            try db.execute(
                sql: "UPDATE setAside SET status = ?, decidedBy = ?, decidedAt = ?, reason = ? WHERE id = ?",
                arguments: [apply ? "applied" : "discarded", actor, Int64(now), reason, id]
            )
            try Audit.record(
                db,
                at: now,
                actor: actor,
                action: apply ? "setAside.apply" : "setAside.discard",
                subject: "\(operation.record)",
                detail: "operation \(operation.dot): \(reason)"
            )
        }
    }
}
