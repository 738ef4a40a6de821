import Foundation
import GRDB
import Shared

/// The SQLite engine's ``MergeStorage``: the statements ``MergeBatch`` runs, over one write
/// transaction (or a savepoint of the group commit).
///
/// It keeps no state of its own, only the transaction and the cache of decoded states, so the
/// grid tree's reader may hold a copy. The statements every agent batch runs are prepared once
/// per connection (`cachedStatement`) and named in ``Statements``.
package struct SQLiteMergeStorage: MergeStorage {
    private let db: Database
    private let cache: RecordCache?

    /// The storage of the transaction `db`; states whose row still has the `seq` they were
    /// cached with come from `cache` instead of being decoded again.
    init(_ db: Database, cache: RecordCache? = nil) {
        self.db = db
        self.cache = cache
    }

    // MARK: Records

    func record(_ key: RecordKey) throws -> RecordAsStored? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: Statements.loadRecord),
                arguments: [key.type.rawValue, key.id]
            )
        else { return nil }
        let state =
            try cache?.state(of: key, seq: row[0]) ?? CanonicalJSON.decode(RecordState.self, from: row[6])
        // Only incidents are assigned.
        let assigned =
            key.type == .incident
            ? try String.fetchAll(
                db.cachedStatement(sql: "SELECT node FROM assignment WHERE type = ? AND id = ? ORDER BY node"),
                arguments: [key.type.rawValue, key.id]
            ) : []
        return RecordAsStored(
            state: state,
            scope: GridScope(row: row, startingAt: 1),
            digest: UInt64(bitPattern: row[7] as Int64),
            assigned: assigned
        )
    }

    func saveRecord(
        _ key: RecordKey,
        encoded: Data,
        digest: UInt64,
        in scope: GridScope,
        seq: Int64,
        moved: Bool,
        openIncident: Bool?
    ) throws {
        if let openIncident {
            try db.cachedStatement(sql: openIncident ? Statements.markOpen : Statements.markClosed).execute(arguments: [
                key.id
            ])
        }
        let columns = scope.recordColumns
        try db.cachedStatement(sql: Statements.saveRecord).execute(arguments: [
            key.type.rawValue, key.id, scope.gridId, columns[0], columns[1], columns[2], columns[3], encoded, seq,
            GridDigests.column(digest),
        ])
        if moved {
            // Only a move rewrites the scope columns: SQLite updates an index whenever its columns are assigned.
            try db.cachedStatement(
                sql: "UPDATE record SET gridId = ?, g1 = ?, g2 = ?, g3 = ?, g4 = ? WHERE type = ? AND id = ?"
            ).execute(arguments: [
                scope.gridId, columns[0], columns[1], columns[2], columns[3], key.type.rawValue, key.id,
            ])
        }
    }

    func recordMove(of key: RecordKey, from scope: GridScope, seq: Int64, dot: Dot) throws {
        let old = scope.recordColumns
        try db.cachedStatement(
            sql:
                "INSERT INTO recordMove(seq, type, id, g1, g2, g3, g4, replica, counter) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [
            seq, key.type.rawValue, key.id, old[0], old[1], old[2], old[3], dot.replica.rawValue,
            Int64(dot.counter),
        ])
    }

    func updateConflicts(of key: RecordKey, to fields: [String], now: UInt64) throws -> Int {
        let existing = try String.fetchSet(
            db.cachedStatement(sql: "SELECT field FROM conflict WHERE type = ? AND recordId = ?"),
            arguments: [key.type.rawValue, key.id]
        )
        for field in existing.subtracting(fields) {
            try db.cachedStatement(sql: "DELETE FROM conflict WHERE type = ? AND recordId = ? AND field = ?").execute(
                arguments: [key.type.rawValue, key.id, field]
            )
        }
        let opened = Set(fields).subtracting(existing)
        for field in opened {
            try db.cachedStatement(sql: "INSERT INTO conflict(type, recordId, field, since) VALUES (?, ?, ?, ?)")
                .execute(arguments: [key.type.rawValue, key.id, field, Int64(now)])
        }
        return opened.count
    }

    func applyDigestChanges(_ changes: GridDigestChanges) throws { try GridDigests.apply(changes, db) }

    // MARK: The log

    func appendToLog(_ operation: SyncOperation, body: Data, filedUnder scope: GridScope, now: UInt64) throws -> Int64 {
        let ancestors = scope.ancestors
        try db.cachedStatement(sql: Statements.appendOperation).execute(arguments: [
            operation.dot.replica.rawValue, Int64(operation.dot.counter), ancestors[0], ancestors[1], ancestors[2],
            ancestors[3], body, Int64(now),
        ])
        return db.lastInsertedRowID
    }

    // MARK: Grids

    func placement(of node: String) throws -> GridNodePlacement? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT level, kind, g1, g2, g3, g4 FROM gridNode WHERE id = ?"),
            arguments: [node]
        ).map { row in
            GridNodePlacement(
                level: row["level"],
                kind: row["kind"],
                ancestors: ["g1", "g2", "g3", "g4"].map { (row[$0] as String?)?.nilIfEmpty }
            )
        }
    }

    func gridNode(_ id: String) throws -> GridNode? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM gridNode WHERE id = ?"), arguments: [id]).map(
            GridNode.init(row:)
        )
    }

    func hasGridWrites(of key: RecordKey) throws -> Bool { try GridWrites.exists(of: key, db) }

    func gridWrites(of key: RecordKey) throws -> FieldHistory { try GridWrites.history(of: key, db) }

    func recordGridWrite(_ write: FieldHistory.Write, of key: RecordKey) throws {
        try GridWrites.insert(write, of: key, db)
    }

    // MARK: Set-aside operations

    func setAsideCounters(of replica: ReplicaID) throws -> [RecordKey: [UInt64]] {
        var known: [RecordKey: [UInt64]] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: Statements.setAsideOfAgent),
            arguments: [replica.rawValue]
        ) {
            guard let type = RecordType(rawValue: row["type"]) else { continue }
            known[RecordKey(type: type, id: row["recordId"]), default: []].append(UInt64(row["counter"] as Int64))
        }
        return known
    }

    func setAsideCount(of replica: ReplicaID, on key: RecordKey) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM setAside WHERE replica = ? AND type = ? AND recordId = ?"),
            arguments: [replica.rawValue, key.type.rawValue, key.id]
        ) ?? 0
    }

    func insertSetAside(
        _ operation: SyncOperation,
        of replica: ReplicaID,
        body: Data,
        because error: ExchangeError,
        now: UInt64
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO setAside(replica, counter, type, recordId, body, code, message, messageZh, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            replica.rawValue, Int64(operation.dot.counter), operation.type.rawValue, operation.id,
            body, error.code.rawValue, error.message.english, error.message.chinese,
            Int64(now),
        ])
    }

    func setAsideNotices(of replica: ReplicaID, in counters: ClosedRange<UInt64>) throws -> [SetAsideNotice] {
        try Row.fetchAll(
            db.cachedStatement(sql: Statements.setAsideNotices),
            arguments: [replica.rawValue, Int64(counters.lowerBound), Int64(counters.upperBound)]
        ).map { row in
            SetAsideNotice(
                dot: Dot(replica: replica, counter: UInt64(row["counter"] as Int64)),
                code: row["code"],
                message: LocalizedText(row["message"], zh: row["messageZh"])
            )
        }
    }

    // MARK: Agents

    func progress(of replica: ReplicaID) throws -> (acknowledgedThrough: UInt64, lastHLC: HLCTimestamp)? {
        try Row.fetchOne(db.cachedStatement(sql: Statements.acknowledged), arguments: [replica.rawValue]).map { row in
            (
                UInt64(row[0] as Int64),
                HLCTimestamp(wallMilliseconds: UInt64(row[1] as Int64), logical: UInt32(row[2] as Int64))
            )
        }
    }

    func saveProgress(
        of replica: ReplicaID,
        acknowledgedThrough: UInt64,
        lastHLC: HLCTimestamp,
        cursor: UInt64?,
        now: UInt64
    ) throws {
        try db.cachedStatement(sql: Statements.progress).execute(arguments: [
            Int64(acknowledgedThrough), Int64(lastHLC.wallMilliseconds), Int64(lastHLC.logical), Int64(now),
            cursor.map(Int64.init), replica.rawValue,
        ])
    }

    func agentsNotAskedToResync() throws -> [EnrolledAgent] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: "\(EnrolledAgent.selection) WHERE revokedAt IS NULL AND agent.resyncRequestedAt IS NULL"
            )
        ).map(EnrolledAgent.init(row:))
    }

    func requestResync(of replica: ReplicaID, reason: String, now: UInt64) throws {
        try db.cachedStatement(sql: "UPDATE agent SET resyncRequestedAt = ?, resyncReason = ? WHERE replica = ?")
            .execute(arguments: [Int64(now), reason, replica.rawValue])
    }

    func requestResync(ofAgentsAt node: String, reason: String, now: UInt64) throws {
        try db.cachedStatement(
            sql:
                "UPDATE agent SET resyncRequestedAt = ?, resyncReason = ? WHERE gridId = ? AND revokedAt IS NULL AND resyncRequestedAt IS NULL"
        ).execute(arguments: [Int64(now), reason, node])
    }

    // MARK: Assignments

    func assign(_ key: RecordKey, to node: String, now: UInt64) throws {
        try db.cachedStatement(sql: "INSERT INTO assignment(node, type, id, since) VALUES (?, ?, ?, ?)").execute(
            arguments: [node, key.type.rawValue, key.id, Int64(now)]
        )
    }

    func endAssignment(of key: RecordKey, to node: String) throws {
        try db.cachedStatement(sql: "DELETE FROM assignment WHERE node = ? AND type = ? AND id = ?").execute(
            arguments: [node, key.type.rawValue, key.id]
        )
    }

    func file(_ seq: Int64, for node: String) throws {
        try db.cachedStatement(sql: "INSERT INTO assignedOp(node, seq) VALUES (?, ?)").execute(arguments: [node, seq])
    }

    // MARK: Server

    func serverCounter() throws -> UInt64 {
        UInt64(
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM serverState WHERE key = 'serverCounter'"))
                ?? 0
        )
    }

    func saveServerCounter(_ counter: UInt64) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO serverState(key, value) VALUES ('serverCounter', ?)")
            .execute(arguments: [Int64(counter)])
    }

    func nextRegistryNumber(on day: String) throws -> Int64 {
        try Int64.fetchOne(
            db.cachedStatement(
                sql:
                    "INSERT INTO registryCounter(day, last) VALUES (?, 1) ON CONFLICT(day) DO UPDATE SET last = last + 1 RETURNING last"
            ),
            arguments: [day]
        ) ?? 1
    }

    func audit(at: UInt64, actor: String, action: String, subject: String?, detail: String?) throws {
        try Audit.record(db, at: at, actor: actor, action: action, subject: subject, detail: detail)
    }
}

extension SQLiteMergeStorage {
    /// The statements every agent batch runs, named so the ingest benchmark can time them alone.
    package enum Statements {
        package static let acknowledged =
            "SELECT acknowledgedThrough, lastHlcMilliseconds, lastHlcLogical FROM agent WHERE replica = ?"
        /// Read by position: `seq`, the scope from column 1 (``GridScope/init(row:startingAt:)``), `state`, `digest`.
        package static let loadRecord =
            "SELECT seq, gridId, g1, g2, g3, g4, state, digest FROM record WHERE type = ? AND id = ?"
        package static let appendOperation =
            "INSERT INTO oplog(replica, counter, g1, g2, g3, g4, body, receivedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        package static let saveRecord = """
            INSERT INTO record(type, id, gridId, g1, g2, g3, g4, state, seq, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(type, id) DO UPDATE SET state = excluded.state, seq = excluded.seq, digest = excluded.digest
            """
        package static let setAsideOfAgent = "SELECT type, recordId, counter FROM setAside WHERE replica = ?"
        static let setAsideNotices =
            "SELECT counter, code, message, messageZh FROM setAside WHERE replica = ? AND counter BETWEEN ? AND ? ORDER BY counter"
        static let markOpen = "INSERT OR IGNORE INTO openIncident(id) VALUES (?)"
        static let markClosed = "DELETE FROM openIncident WHERE id = ?"
        package static let progress = """
            UPDATE agent SET acknowledgedThrough = ?, lastHlcMilliseconds = ?, lastHlcLogical = ?, lastSyncAt = ?,
                cursor = COALESCE(?, cursor) WHERE replica = ?
            """
    }
}
