import Foundation
import GRDB
package import Shared

/// The tests' and operators' questions (``StoreInspection``), answered from the tables.
extension SQLiteStore: StoreInspection {
    package func loggedOperations() throws -> [LoggedOperation] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, replica, counter, body FROM oplog ORDER BY seq").map { row in
                LoggedOperation(
                    seq: UInt64(row["seq"] as Int64),
                    dot: Self.dot(row),
                    body: row["body"]
                )
            }
        }
    }

    package func storedRecords() throws -> [StoredRecord] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT type, id, gridId, g1, g2, g3, g4, seq, state, digest FROM record ORDER BY g1, g2, g3, g4, type, id"
            ).map { row in
                let scope = GridScope(row: row, startingAt: 2)
                return StoredRecord(
                    key: try Self.recordKey(type: row["type"], id: row["id"]),
                    gridId: scope.gridId,
                    ancestors: scope.ancestors,
                    seq: UInt64(row["seq"] as Int64),
                    state: row["state"],
                    digest: UInt64(bitPattern: row["digest"] as Int64)
                )
            }
        }
    }

    package func storedRecord(_ key: RecordKey) throws -> RecordState? {
        try writer.read { db in
            try Data.fetchOne(
                db,
                sql: "SELECT state FROM record WHERE type = ? AND id = ?",
                arguments: [key.type.rawValue, key.id]
            )
            .map { try CanonicalJSON.decode(RecordState.self, from: $0) }
        }
    }

    package func keptGridDigests() throws -> [String: UInt64] {
        try writer.read { db in
            try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT gridId, digest FROM gridDigest").map { row in
                    (row["gridId"] as String, UInt64(bitPattern: row["digest"] as Int64))
                }
            )
        }
    }

    package func compactedDots() throws -> [Dot] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT replica, counter FROM operationDigest ORDER BY replica, counter")
                .map(Self.dot)
        }
    }

    package func conflictMarks() throws -> [ConflictMark] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT type, recordId, field FROM conflict ORDER BY type, recordId, field").map {
                row in
                ConflictMark(record: try Self.recordKey(type: row["type"], id: row["recordId"]), field: row["field"])
            }
        }
    }

    package func assignments() throws -> [Assignment] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT node, type, id FROM assignment ORDER BY node, type, id").map { row in
                Assignment(node: row["node"], record: try Self.recordKey(type: row["type"], id: row["id"]))
            }
        }
    }

    package func sweptIncidents() throws -> [String] {
        try writer.read { db in try String.fetchAll(db, sql: "SELECT id FROM openIncident ORDER BY id") }
    }

    package func lastClockReading(of replica: ReplicaID) throws -> HLCTimestamp? {
        try writer.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT lastHlcMilliseconds, lastHlcLogical FROM agent WHERE replica = ?",
                arguments: [replica.rawValue]
            ).map { row in
                HLCTimestamp(
                    wallMilliseconds: UInt64(row["lastHlcMilliseconds"] as Int64),
                    logical: UInt32(row["lastHlcLogical"] as Int64)
                )
            }
        }
    }

    package func registryCounters() throws -> [String: UInt64] {
        try writer.read { db in
            try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT day, last FROM registryCounter").map { row in
                    (row["day"] as String, UInt64(row["last"] as Int64))
                }
            )
        }
    }

    package func auditTrail() throws -> [AuditEntry] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT at, actor, action, subject, detail FROM audit ORDER BY id").map { row in
                AuditEntry(
                    at: UInt64(row["at"] as Int64),
                    actor: row["actor"],
                    action: row["action"],
                    subject: row["subject"],
                    detail: row["detail"]
                )
            }
        }
    }

    /// Counts and sums of every table an exchange writes, computed by SQLite without reading a
    /// row into Swift; each agent's standing in full.
    package func storeDigest() throws -> StoreDigest {
        try writer.read { db in
            StoreDigest(
                agents: try String.fetchAll(
                    db,
                    sql: """
                        SELECT replica || ':' || acknowledgedThrough || ':' || cursor || ':' || lastHlcMilliseconds
                            || ':' || lastHlcLogical || ':' || IFNULL(lastSyncAt, '-') || ':' || IFNULL(resyncRequestedAt, '-')
                        FROM agent ORDER BY replica
                        """
                ),
                contents: try [
                    "SELECT COUNT(*) || ' ' || IFNULL(MAX(seq), 0) FROM oplog",
                    "SELECT COUNT(*) || ' ' || IFNULL(SUM(seq), 0) || ' ' || IFNULL(SUM(length(state)), 0) FROM record",
                    "SELECT COUNT(*) FROM conflict", "SELECT COUNT(*) FROM audit", "SELECT COUNT(*) FROM assignment",
                    "SELECT COUNT(*) FROM assignedOp", "SELECT COUNT(*) FROM openIncident",
                    "SELECT COUNT(*) FROM recordMove",
                    "SELECT IFNULL(group_concat(day || ' ' || last), '') FROM registryCounter",
                    "SELECT IFNULL(group_concat(key || ' ' || value), '') FROM serverState",
                ].map { try String.fetchOne(db, sql: $0) ?? "" }
            )
        }
    }

    /// SQLite's `PRAGMA integrity_check`, which answers `ok` alone when it finds nothing.
    package func integrityProblems() throws -> [String] {
        try writer.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }.filter { $0 != "ok" }
    }

    package func markSnapshotTaken(by replica: ReplicaID) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE agent SET resyncRequestedAt = NULL, resyncReason = NULL WHERE replica = ?",
                arguments: [replica.rawValue]
            )
        }
    }

    private static func dot(_ row: Row) -> Dot {
        Dot(replica: ReplicaID(UInt32(row["replica"] as Int64)), counter: UInt64(row["counter"] as Int64))
    }

    private static func recordKey(type: String, id: String) throws -> RecordKey {
        guard let known = RecordType(rawValue: type) else {
            throw ModelError.invalid(
                LocalizedText("A stored row names the unknown record type \(type).", zh: "存储的行含有未知的记录类型 \(type)。")
            )
        }
        return RecordKey(type: known, id: id)
    }
}
