import Foundation
import GRDB
import Shared

/// The laptop's side of ``ReplicaEngine``: the SQLite replica inside one write transaction.
///
/// Made by ``AgentDatabase/transaction(_:)`` for the length of one transaction and dropped with
/// it: the replica row (counter and clock) is read when it starts and written when it ends, and
/// an error anywhere rolls back everything the engine wrote through it.
struct AgentReplicaStore: ReplicaStore {
    typealias Failure = any Error

    let db: Database
    /// The replica row as this transaction has it; written back by ``AgentDatabase/transaction(_:)``.
    var state: ReplicaState
    var clock: HybridLogicalClock

    init(db: Database, state: ReplicaState) {
        self.db = db
        self.state = state
        clock = HybridLogicalClock(last: state.hlc)
    }

    var replica: ReplicaID { state.replica }

    mutating func nextCounter() throws -> UInt64 {
        state.counter += 1
        return state.counter
    }

    func takeRecord(_ key: RecordKey) throws -> RecordState? { try AgentDatabase.state(db, key) }

    func putRecord(_ record: RecordState, changed: Bool) throws {
        guard changed else { return }
        if record.clock.isEmpty {
            try AgentDatabase.remove(db, record.key)
        } else {
            try AgentDatabase.store(db, record, generation: state.generation)
        }
    }

    /// Stores one record of a snapshot page as the server sent it, its bytes untouched.
    mutating func install(_ row: SnapshotRows.Row) throws {
        clock.advance(past: row.latestHLC)
        try AgentDatabase.store(db, row, generation: state.generation)
    }

    func heldOperations(for key: RecordKey) throws -> [SyncOperation] {
        try Data.fetchAll(
            db.cachedStatement(sql: "SELECT operation FROM waiting WHERE type = ? AND id = ?"),
            arguments: [key.type.rawValue, key.id]
        ).map { try CanonicalJSON.decode(SyncOperation.self, from: $0) }
    }

    func hold(_ operation: SyncOperation) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO waiting (type, id, replica, counter, operation) VALUES (?, ?, ?, ?, ?)",
            arguments: [
                operation.type.rawValue, operation.id, Int64(operation.dot.replica.rawValue),
                Int64(operation.dot.counter), CanonicalJSON.encode(operation),
            ]
        )
    }

    func unhold(_ operation: SyncOperation) throws {
        try db.execute(
            sql: "DELETE FROM waiting WHERE type = ? AND id = ? AND replica = ? AND counter = ?",
            arguments: [
                operation.type.rawValue, operation.id, Int64(operation.dot.replica.rawValue),
                Int64(operation.dot.counter),
            ]
        )
    }

    func unholdAll() throws { try db.execute(sql: "DELETE FROM waiting") }

    func queue(_ operation: SyncOperation) throws {
        try db.execute(
            sql: "INSERT INTO outbox (counter, operation) VALUES (?, ?)",
            arguments: [Int64(operation.dot.counter), CanonicalJSON.encode(operation)]
        )
    }

    func outbox() throws -> [SyncOperation] {
        try Data.fetchAll(db, sql: "SELECT operation FROM outbox ORDER BY counter")
            .map { try CanonicalJSON.decode(SyncOperation.self, from: $0) }
    }
}

extension AgentDatabase {
    /// Runs `body` over the replica engine's store in one write transaction, and writes the
    /// replica row (counter, clock and whatever `body` changed in it) with everything else.
    func transaction<T>(_ body: (inout AgentReplicaStore) throws -> T) throws -> T {
        try writer.write { db in
            var store = AgentReplicaStore(db: db, state: try Self.requireState(db))
            let result = try body(&store)
            store.state.hlc = store.clock.last
            try store.state.save(db)
            return result
        }
    }
}
