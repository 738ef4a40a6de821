import Foundation
import GRDB
import Shared

extension AgentDatabase {
    package func replicaState() throws -> ReplicaState {
        try writer.read { db in try Self.requireState(db) }
    }

    /// Stores the replica row of a new enrollment, before its first snapshot.
    package func enroll(_ state: ReplicaState) throws {
        try writer.write { db in
            guard try ReplicaState.fetch(db) == nil else {
                throw AgentError.alreadyEnrolled((writer.path as NSString).deletingLastPathComponent)
            }
            try state.save(db)
        }
    }

    func recordSuccess(at now: UInt64) throws {
        try writer.write { db in
            var replica = try Self.requireState(db)
            replica.lastSyncAt = now
            replica.failure = nil
            try replica.save(db)
        }
    }

    func recordFailure(_ failure: (code: String, message: LocalizedText), at now: UInt64) throws {
        try writer.write { db in
            var replica = try Self.requireState(db)
            replica.failure = ReplicaState.Failure(code: failure.code, message: failure.message, at: now)
            try replica.save(db)
        }
    }

    package func conflictedRecordCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record WHERE conflicts > 0") ?? 0 }
    }

    package func pendingCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0 }
    }
}
