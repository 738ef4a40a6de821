import Foundation
import GRDB
import Shared

/// The SQLite engine's `gridWrite` table, which keeps the writes ``GridWrites`` records: one row per
/// write of a moved record's `gridId`, with its dot, clock reading and context.
extension GridWrites {
    /// Whether the record has rows.
    static func exists(of key: RecordKey, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM gridWrite WHERE type = ? AND id = ?)"),
            arguments: [key.type.rawValue, key.id]
        ) == true
    }

    /// Every recorded write of the record's `gridId`; empty for a record that never moved.
    static func history(of key: RecordKey, _ db: Database) throws -> FieldHistory {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql:
                    "SELECT replica, counter, hlcMilliseconds, hlcLogical, context, gridId FROM gridWrite WHERE type = ? AND id = ?"
            ),
            arguments: [key.type.rawValue, key.id]
        )
        return try FieldHistory(
            rows.map { row in
                try FieldHistory.Write(
                    dot: Dot(
                        replica: ReplicaID(UInt32(row["replica"] as Int64)),
                        counter: UInt64(row["counter"] as Int64)
                    ),
                    hlc: HLCTimestamp(
                        wallMilliseconds: UInt64(row["hlcMilliseconds"] as Int64),
                        logical: UInt32(row["hlcLogical"] as Int64)
                    ),
                    context: CanonicalJSON.decode(VersionVector.self, from: row["context"]),
                    value: .string(row["gridId"])
                )
            }
        )
    }

    /// Fills the table for a store that moved records before it existed: each moved record's
    /// `gridId` writes still in the log, and its live values (whose contexts are lost with the
    /// log's older part).
    static func backfill(_ db: Database) throws {
        let moved = try Set(
            Row.fetchAll(db.cachedStatement(sql: "SELECT DISTINCT type, id FROM recordMove")).compactMap { row in
                RecordType(rawValue: row["type"]).map { RecordKey(type: $0, id: row["id"]) }
            }
        )
        guard !moved.isEmpty else { return }
        for body in try Data.fetchAll(
            db.cachedStatement(
                sql: "SELECT body FROM oplog WHERE instr(body, CAST('\"gridId\"' AS BLOB)) > 0 ORDER BY seq"
            )
        ) {
            let operation = try CanonicalJSON.decode(SyncOperation.self, from: body)
            guard moved.contains(operation.record) else { continue }
            switch operation.payload {
            case .create(let fields), .set(let fields):
                guard let grid = fields["gridId"] else { continue }
                try insert(
                    FieldHistory.Write(dot: operation.dot, hlc: operation.hlc, context: operation.context, value: grid),
                    of: operation.record,
                    db
                )
            default:
                continue
            }
        }
        for key in moved {
            guard
                let state = try Data.fetchOne(
                    db.cachedStatement(sql: "SELECT state FROM record WHERE type = ? AND id = ?"),
                    arguments: [key.type.rawValue, key.id]
                ).map({ try CanonicalJSON.decode(RecordState.self, from: $0) })
            else { continue }
            for value in state.registers["gridId"] ?? [] {
                try insert(
                    FieldHistory.Write(dot: value.dot, hlc: value.hlc, context: VersionVector(), value: value.value),
                    of: key,
                    db
                )
            }
        }
    }

    /// A write recorded twice (a backfill meeting the log) keeps its first row.
    static func insert(_ write: FieldHistory.Write, of key: RecordKey, _ db: Database) throws {
        guard let grid = write.value.stringValue else { return }
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO gridWrite(type, id, replica, counter, hlcMilliseconds, hlcLogical, context, gridId)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            key.type.rawValue, key.id, write.dot.replica.rawValue, Int64(write.dot.counter),
            Int64(write.hlc.wallMilliseconds), Int64(write.hlc.logical), CanonicalJSON.encode(write.context), grid,
        ])
    }
}
