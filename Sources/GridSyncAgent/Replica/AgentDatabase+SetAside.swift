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
        try writer.read { db in try Self.recordsToRepair(db) }
    }

    /// Rebuilds the records queued for repair from the server's state of them (`states`; a record
    /// the server does not have, or that left the scope, is gone) and this laptop's unsent edits,
    /// in one transaction (``ReplicaEngine/rebuild(_:from:leavingOut:in:)``).
    func repair(with states: [RecordState]) throws {
        try transaction { store in
            try ReplicaEngine.rebuild(
                try Self.recordsToRepair(store.db),
                from: states,
                leavingOut: try Self.setAsideOperations(store.db).map(\.operation),
                in: &store
            )
            try store.db.execute(sql: "DELETE FROM repair")
        }
    }

    private static func recordsToRepair(_ db: Database) throws -> [RecordKey] {
        try Row.fetchAll(db, sql: "SELECT type, id FROM repair ORDER BY type, id").compactMap { row in
            RecordType(rawValue: row["type"]).map { RecordKey(type: $0, id: row["id"]) }
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
