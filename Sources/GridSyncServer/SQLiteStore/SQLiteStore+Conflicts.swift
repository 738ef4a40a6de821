import Foundation
import GRDB
package import Shared

extension SQLiteStore {
    /// Every open conflict, oldest first.
    package func conflicts() throws -> [ConflictView] {
        try writer.read { db in
            let names = try Dictionary(
                Row.fetchAll(db, sql: "SELECT replica, name FROM agent").map {
                    (ReplicaID(UInt32($0["replica"] as Int64)), $0["name"] as String)
                },
                uniquingKeysWith: { first, _ in first }
            )
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT conflict.type, conflict.recordId, conflict.field, conflict.since, record.gridId, record.state
                    FROM conflict JOIN record ON record.type = conflict.type AND record.id = conflict.recordId
                    ORDER BY conflict.since, conflict.type, conflict.recordId, conflict.field
                    """
            )
            return try rows.compactMap { row in
                let state = try CanonicalJSON.decode(RecordState.self, from: row["state"])
                guard let conflict = state.conflicts.first(where: { $0.field == row["field"] }) else { return nil }
                let values = conflict.values.map {
                    ConflictView.Value(
                        value: $0.value,
                        replica: $0.dot.replica.rawValue,
                        author: $0.dot.replica == .server
                            ? "county server" : names[$0.dot.replica] ?? "agent \($0.dot.replica.rawValue)",
                        writtenAt: $0.hlc
                    )
                }
                return ConflictView(
                    type: state.type,
                    recordId: state.id,
                    gridId: row["gridId"],
                    field: conflict.field,
                    since: UInt64(row["since"] as Int64),
                    values: values,
                    visible: conflict.values.firstIndex(of: conflict.visible) ?? 0
                )
            }
        }
    }

    /// Resolves a conflict the way an agent would: a server write of `value` whose context covers
    /// every sibling. It reaches every agent in scope at their next sync.
    ///
    /// - Throws: ``ModelError`` when there is no such conflict or the value is not valid for the field.
    package func resolveConflict(
        on record: RecordKey,
        field: String,
        value: FieldValue,
        actor: String,
        now: UInt64
    ) throws {
        try record.type.schema.field(field).rule.validate(value, field: field)
        try writer.write { db in
            guard
                try Bool.fetchOne(
                    db,
                    sql: "SELECT 1 FROM conflict WHERE type = ? AND recordId = ? AND field = ?",
                    arguments: [record.type.rawValue, record.id, field]
                ) == true
            else {
                throw ModelError.invalid(
                    LocalizedText(
                        "There is no open conflict on \(record).\(field).",
                        zh: "\(record).\(field) 没有未解决的冲突。"
                    )
                )
            }
            var batch = try MergeBatch(over: SQLiteMergeStorage(db), agent: nil, now: now, rules: ExchangeRules())
            try batch.author(.set([field: value]), on: record)
            _ = try batch.finish(batchId: nil, cursor: nil)
            try Audit.record(
                db,
                at: now,
                actor: actor,
                action: "conflicts.resolve",
                subject: "\(record)",
                detail: "field \(field)"
            )
        }
    }
}
