import Foundation
import GRDB
import Shared

/// What committing one exchange's answer did.
struct PageOutcome: Sendable, Equatable {
    /// Operations the server acknowledged for the first time.
    var acknowledged: Int
    /// Pulled operations applied here (duplicates and waiting ones not counted).
    var applied: Int
}

extension AgentDatabase {
    /// The outbox, oldest first: everything the next exchange sends.
    func outbox(limit: Int = .max) throws -> [SyncOperation] {
        try writer.read { db in
            try Data.fetchAll(db, sql: "SELECT operation FROM outbox ORDER BY counter LIMIT ?", arguments: [limit])
                .map { try CanonicalJSON.decode(SyncOperation.self, from: $0) }
        }
    }

    /// Commits one exchange's answer in one transaction: drops what the server acknowledged from
    /// the outbox, merges the pulled operations, and moves the cursor only with them.
    ///
    /// A crash before the commit leaves the outbox and the cursor as they were, so the retry sends
    /// the same operations (acknowledged again, never stored twice) and pulls the same page
    /// (skipped as duplicates where already applied).
    func commit(_ response: SyncResponse, now: UInt64) throws -> PageOutcome {
        try transaction { store in
            let db = store.db
            try Self.keep(response.setAside ?? [], at: now, db: db)
            let newlyAcknowledged = try Self.acknowledge(
                through: response.acknowledgedThrough,
                replica: &store.state,
                now: now,
                db: db
            )
            if let epoch = response.store { store.state.store = epoch }
            store.state.recovery = nil  // the exchange carried it
            var applied = 0
            for unreadable in response.unreadable { try Self.keepUnreadable(unreadable, db: db) }
            for operation in response.operations {
                applied += try Self.mergeOrKeep(operation, in: &store)
            }
            store.state.cursor = response.cursor
            store.state.clockOffsetMilliseconds = Int64(bitPattern: now &- response.serverTime)
            return PageOutcome(acknowledged: newlyAcknowledged, applied: applied)
        }
    }

    /// Moves the operations the server set aside from the outbox to `setAside`, and queues their
    /// records to be rebuilt from the server's state (``repair(with:)``).
    private static func keep(_ notices: [SetAsideNotice], at now: UInt64, db: Database) throws {
        for notice in notices {
            guard
                let data = try Data.fetchOne(
                    db,
                    sql: "SELECT operation FROM outbox WHERE counter = ?",
                    arguments: [Int64(notice.dot.counter)]
                )
            else { continue }  // kept already, when a retried answer names it again
            let operation = try CanonicalJSON.decode(SyncOperation.self, from: data)
            try db.execute(
                sql:
                    "INSERT OR REPLACE INTO setAside (counter, operation, code, message, messageZh, at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [Int64(notice.dot.counter), data, notice.code, notice.message, notice.messageZh, Int64(now)]
            )
            try db.execute(
                sql: "INSERT OR IGNORE INTO repair (type, id) VALUES (?, ?)",
                arguments: [operation.type.rawValue, operation.id]
            )
        }
    }

    /// Drops acknowledged operations from the outbox; returns how many were acknowledged now.
    ///
    /// They are kept in `sent` for ``keptDays`` (at most ``keptMost``), to be sent again should the
    /// county's store be restored from an older backup (``resend(from:)``).
    private static func acknowledge(
        through counter: UInt64,
        replica: inout ReplicaState,
        now: UInt64,
        db: Database
    ) throws -> Int {
        guard counter > replica.acknowledged else { return 0 }
        try db.execute(
            sql:
                "INSERT OR REPLACE INTO sent (counter, operation, acknowledgedAt) SELECT counter, operation, ? FROM outbox WHERE counter <= ?",
            arguments: [Int64(now), Int64(counter)]
        )
        try db.execute(
            sql: "DELETE FROM sent WHERE acknowledgedAt < ? OR counter <= ?",
            arguments: [Int64(now) - Int64(keptDays) * 86_400_000, Int64(counter) - Int64(keptMost)]
        )
        if let newest = try Data.fetchOne(
            db,
            sql: "SELECT operation FROM outbox WHERE counter = ?",
            arguments: [Int64(counter)]
        ) {
            replica.acknowledgedHLC = try CanonicalJSON.decode(SyncOperation.self, from: newest).hlc
        }
        try db.execute(sql: "DELETE FROM outbox WHERE counter <= ?", arguments: [Int64(counter)])
        let count = Int(counter - replica.acknowledged)
        replica.acknowledged = counter
        return count
    }

    /// Merges a pulled operation by the causal rule (``ReplicaEngine/receive(_:movingClock:in:)``),
    /// or keeps it for after an upgrade when its record holds what this release cannot read (a
    /// state written by a newer server); nothing else of the page stops.
    ///
    /// - Returns: the number of operations applied (it may release operations that were waiting for it).
    static func mergeOrKeep(
        _ operation: SyncOperation,
        movingClock: Bool = true,
        in store: inout AgentReplicaStore
    ) throws -> Int {
        do {
            return try ReplicaEngine.receive(operation, movingClock: movingClock, in: &store)
        } catch let error as ModelError where error.code == .unknownKind || error.code == .unknownField {
            try keepUnreadable(CanonicalJSON.encode(operation), db: store.db)
            return 0
        }
    }

    static func keepUnreadable(_ bytes: Data, db: Database) throws {
        try db.execute(
            sql: "INSERT INTO unreadable (operation, reason) VALUES (?, ?)",
            arguments: [bytes, "newer release"]
        )
    }
}
