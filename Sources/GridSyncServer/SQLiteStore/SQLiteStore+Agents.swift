import Foundation
import GRDB
package import Shared

extension SQLiteStore {
    /// Enrolls an agent at a grid node and returns it with its token, which is shown only this once.
    ///
    /// The agent starts with a pending snapshot, so its first exchange fetches its whole scope.
    /// - Parameter replica: the id to enroll under, for a laptop enrolled after the backup this
    ///   store was restored from (unknown here, it keeps its id and sends its work again); by
    ///   default the next id.
    package func enroll(
        gridId: String,
        name: String?,
        replica asked: ReplicaID? = nil,
        actor: String,
        now: UInt64
    ) throws -> (EnrolledAgent, token: String) {
        let token = AgentToken.make()
        let agent = try writer.write { db in
            guard
                let node = try Row.fetchOne(db, sql: "SELECT * FROM gridNode WHERE id = ?", arguments: [gridId]).map(
                    GridNode.init(row:)
                )
            else {
                throw ModelError.invalid(LocalizedText("Grid \(gridId) does not exist.", zh: "网格 \(gridId) 不存在。"))
            }
            let replica =
                try asked.map { Int64($0.rawValue) } ?? (Int64.fetchOne(db, sql: "SELECT MAX(replica) FROM agent") ?? 0)
                + 1
            if let asked {
                guard asked != .server, try Self.agent(db, replica: asked) == nil else {
                    throw ModelError.invalid(
                        LocalizedText(
                            "Replica \(asked.rawValue) is the server's or already enrolled; --replica is for a laptop this store does not know.",
                            zh: "副本 \(asked.rawValue) 属于服务器或已注册；--replica 仅用于本库不认识的终端。"
                        )
                    )
                }
            }
            try db.execute(
                sql:
                    "INSERT INTO agent(replica, name, gridId, tokenHash, enrolledAt, resyncRequestedAt, resyncReason) VALUES (?, ?, ?, ?, ?, ?, 'initial snapshot')",
                arguments: [
                    replica, name ?? "\(node.name) #\(replica)", gridId, AgentToken.hash(token), Int64(now), Int64(now),
                ]
            )
            try Audit.record(
                db,
                at: now,
                actor: actor,
                action: "agents.enroll",
                subject: "agent:\(replica)",
                detail: "grid \(gridId)"
            )
            return try Self.agent(db, replica: ReplicaID(UInt32(replica)))!
        }
        return (agent, token)
    }

    /// The unrevoked agent holding `token`, or nil.
    package func agent(token: String) async throws -> EnrolledAgent? {
        try await writer.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "\(EnrolledAgent.selection) WHERE tokenHash = ? AND revokedAt IS NULL"),
                arguments: [AgentToken.hash(token)]
            )
            .map(EnrolledAgent.init(row:))
        }
    }

    package func agents() throws -> [EnrolledAgent] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "\(EnrolledAgent.selection) ORDER BY replica").map(EnrolledAgent.init(row:))
        }
    }

    static func agent(_ db: Database, replica: ReplicaID) throws -> EnrolledAgent? {
        // Cached: every exchange reads its agent again inside its write transaction.
        try Row.fetchOne(
            db.cachedStatement(sql: "\(EnrolledAgent.selection) WHERE replica = ?"),
            arguments: [replica.rawValue]
        ).map(EnrolledAgent.init(row:))
    }

    /// Makes the agent's next exchange take a fresh snapshot first; recorded with who asked and why.
    package func requestResync(of replica: ReplicaID, reason: String, actor: String, now: UInt64) throws {
        try updateAgent(replica, action: "agents.resync", actor: actor, detail: reason, now: now) { db in
            try db.execute(
                sql: "UPDATE agent SET resyncRequestedAt = ?, resyncReason = ? WHERE replica = ?",
                arguments: [Int64(now), reason, replica.rawValue]
            )
        }
    }

    /// Stops the agent's token from working, for good; recorded with who did it and why.
    package func revoke(_ replica: ReplicaID, reason: String?, actor: String, now: UInt64) throws {
        try updateAgent(replica, action: "agents.revoke", actor: actor, detail: reason, now: now) { db in
            try db.execute(
                sql: "UPDATE agent SET revokedAt = COALESCE(revokedAt, ?) WHERE replica = ?",
                arguments: [Int64(now), replica.rawValue]
            )
        }
    }

    private func updateAgent(
        _ replica: ReplicaID,
        action: String,
        actor: String,
        detail: String?,
        now: UInt64,
        change: (Database) throws -> Void
    ) throws {
        try writer.write { db in
            guard try Self.agent(db, replica: replica) != nil else {
                throw ModelError.invalid(
                    LocalizedText("There is no agent \(replica.rawValue).", zh: "不存在编号为 \(replica.rawValue) 的终端。")
                )
            }
            try change(db)
            try Audit.record(
                db,
                at: now,
                actor: actor,
                action: action,
                subject: "agent:\(replica.rawValue)",
                detail: detail
            )
        }
    }
}
