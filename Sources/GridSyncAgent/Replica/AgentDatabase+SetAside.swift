import Foundation
import GRDB
package import Shared

/// An operation of this laptop's that the server set aside, as `field-agent set-aside` lists it.
package struct SetAsideOperation: Sendable, Equatable {
    package let operation: SyncOperation
    package let code: String
    package let message: LocalizedText
    package let at: UInt64
}

extension AgentDatabase {
    /// The records waiting to be rebuilt after one of their operations was set aside.
    func recordsToRepair() throws -> [RecordKey] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT type, id FROM repair ORDER BY type, id").compactMap { row in
                RecordType(rawValue: row["type"]).map { RecordKey(type: $0, id: row["id"]) }
            }
        }
    }

    /// Rebuilds the records queued for repair: the server's state (`states`; a record the server
    /// does not have, or that left the scope, is gone) plus this laptop's unsent edits of them,
    /// leaving out those that build on a set-aside operation. One transaction.
    func repair(with states: [RecordState]) throws {
        try writer.write { db in
            let replica = try Self.requireState(db)
            let keys = try Row.fetchAll(db, sql: "SELECT type, id FROM repair").compactMap { row in
                RecordType(rawValue: row["type"]).map { RecordKey(type: $0, id: row["id"]) }
            }
            let fromServer = Dictionary(states.map { ($0.key, $0) }) { first, _ in first }
            let setAside = try Self.setAsideOperations(db).map(\.operation)
            let outbox = try Data.fetchAll(db, sql: "SELECT operation FROM outbox ORDER BY counter")
                .map { try CanonicalJSON.decode(SyncOperation.self, from: $0) }
            var clock = HybridLogicalClock(last: replica.hlc)
            for key in keys {
                var state = fromServer[key] ?? RecordState(type: key.type, id: key.id)
                clock.advance(past: state.latestHLC)
                let undone = setAside.filter { $0.record == key }.map(\.dot)
                for operation in outbox where operation.record == key {
                    guard !undone.contains(where: { operation.context.covers($0) }),
                        state.readiness(of: operation) == .ready
                    else { continue }
                    state.apply(operation)
                }
                if state.clock.isEmpty {
                    try db.execute(
                        sql: "DELETE FROM record WHERE type = ? AND id = ?",
                        arguments: [key.type.rawValue, key.id]
                    )
                } else {
                    try Self.store(db, state, generation: replica.generation)
                }
            }
            var updated = replica
            updated.hlc = clock.last
            try updated.save(db)
            try db.execute(sql: "DELETE FROM repair")
        }
    }

    /// Every operation the server set aside, oldest first.
    package func setAsideOperations() throws -> [SetAsideOperation] {
        try writer.read { db in try Self.setAsideOperations(db) }
    }

    private static func setAsideOperations(_ db: Database) throws -> [SetAsideOperation] {
        try Row.fetchAll(db, sql: "SELECT * FROM setAside ORDER BY counter").map { row in
            SetAsideOperation(
                operation: try CanonicalJSON.decode(SyncOperation.self, from: row["operation"]),
                code: row["code"],
                message: LocalizedText(row["message"], zh: row["messageZh"]),
                at: UInt64(row["at"] as Int64)
            )
        }
    }
}
