import Foundation
import GRDB
import GridSyncServer
import Shared

/// The merge's SQL alone: for each batch, the statements an agent's batch alone in its transaction
/// runs through ``SQLiteMergeStorage`` (its acknowledgement read, a read of each record it touches,
/// its operation rows, one row per touched record, its progress and its audit line), with every
/// byte already encoded. What merging would cost if validating, applying and encoding were free:
/// the ceiling for the merge's ingest ratio on this machine.
struct MergeStatementsBaseline {
    private let pool: DatabasePool

    /// Starts from a copy of `database` as it is now (grids and agents, before the merge).
    init(copying database: SQLiteStore, to path: String) throws {
        try database.backup(to: path)
        pool = try SQLiteStore.openPool(path: path)
    }

    /// The records' states as the merge left them, to write in their place.
    ///
    /// A batch midway through wrote smaller ones, so if anything this baseline writes more than the merge did.
    static func states(in database: SQLiteStore) async throws -> [RecordKey: Data] {
        try await database.writer.read { db in
            var states: [RecordKey: Data] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT type, id, state FROM record") {
                guard let type = RecordType(rawValue: row["type"]) else { continue }
                states[RecordKey(type: type, id: row["id"])] = row["state"]
            }
            return states
        }
    }

    func replay(_ batches: ArraySlice<EveningWorkload.Batch>, states: [RecordKey: Data], now: UInt64) async throws {
        for batch in batches {
            try await pool.write { db in try Self.replay(batch, states: states, db: db, now: now) }
        }
    }

    private static func replay(
        _ batch: EveningWorkload.Batch,
        states: [RecordKey: Data],
        db: Database,
        now: UInt64
    )
        throws
    {
        let replica = batch.agent.replica.rawValue
        _ = try Row.fetchOne(db.cachedStatement(sql: SQLiteMergeStorage.Statements.acknowledged), arguments: [replica])
        _ = try Row.fetchAll(
            db.cachedStatement(sql: SQLiteMergeStorage.Statements.setAsideOfAgent),
            arguments: [replica]
        )
        let scope = batch.scope.ancestors
        var touched: [RecordKey] = []
        for (operation, body) in zip(batch.operations, batch.bodies) {
            if !touched.contains(operation.record) {
                touched.append(operation.record)
                _ = try Row.fetchOne(
                    db.cachedStatement(sql: SQLiteMergeStorage.Statements.loadRecord),
                    arguments: [operation.type.rawValue, operation.id]
                )
            }
            try db.cachedStatement(sql: SQLiteMergeStorage.Statements.appendOperation).execute(arguments: [
                replica, Int64(operation.dot.counter), scope[0], scope[1], scope[2], scope[3], body, Int64(now),
            ])
        }
        let seq = db.lastInsertedRowID
        let columns = batch.scope.recordColumns
        for key in touched {
            try db.cachedStatement(sql: SQLiteMergeStorage.Statements.saveRecord).execute(arguments: [
                key.type.rawValue, key.id, batch.scope.gridId, columns[0], columns[1], columns[2], columns[3],
                states[key], seq, 0,
            ])
        }
        try db.cachedStatement(sql: GridDigests.applyChange).execute(arguments: [batch.scope.gridId, 0])
        let last = batch.operations.last.map { Int64($0.dot.counter) } ?? 0
        let hlc = batch.operations.last?.hlc ?? .zero
        try db.cachedStatement(sql: SQLiteMergeStorage.Statements.progress).execute(arguments: [
            last, Int64(hlc.wallMilliseconds), Int64(hlc.logical), Int64(now), 0, replica,
        ])
        try Audit.record(
            db,
            at: now,
            actor: "agent:\(replica)",
            action: "push",
            subject: batch.id,
            detail: "\(batch.operations.count) operations through counter \(last)"
        )
    }
}
