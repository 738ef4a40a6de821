import Foundation
import GRDB
import Testing

@testable import GridSyncAgent

/// A replica written by an earlier release upgrades in place, and keeps syncing where it did.
@Suite struct ReplicaMigrationTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("agent-migration-\(UUID().uuidString)")

    /// Replicas enrolled before the agent asked about plain http keep their server, whatever it is:
    /// stopping them would strand the edits in their outboxes.
    @Test(arguments: [("http://10.0.0.5:8080", true), ("http://127.0.0.1:8080", true), ("https://10.0.0.5", false)])
    func anEarlierReplicaKeepsItsServer(url: String, plainHTTPAccepted: Bool) throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let home = try earlierReplica(serverURL: url)
        let database = try home.database()
        let replica = try database.replicaState()
        #expect(replica.insecureHTTP == plainHTTPAccepted)
        #expect(try replica.acceptedServer().url == url)
    }

    /// Plain http off the laptop without the worker's consent on record is refused before any request.
    @Test func plainHTTPWithoutConsentIsRefused() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let home = try earlierReplica(serverURL: "http://10.0.0.5:8080")
        let database = try home.database()
        try database.writer.write { try $0.execute(sql: "UPDATE replica SET insecureHTTP = 0") }
        #expect(throws: AgentError.plainHTTPNotAccepted("http://10.0.0.5:8080")) {
            try database.replicaState().acceptedServer()
        }
    }

    /// A data directory as the first release left it: its migrations, one enrolled replica row, a credential.
    func earlierReplica(serverURL: String) throws -> AgentHome {
        let home = AgentHome(path: folder.path)
        try home.create()
        try home.saveCredential("gs_test")
        let pool = try DatabasePool(path: home.databasePath)
        try AgentDatabase.migrator.migrate(pool, upTo: "2026-11-29 calendar")
        try pool.write { db in
            try db.execute(
                sql:
                    "INSERT INTO replica (id, serverURL, replica, gridId, agentName) VALUES (1, ?, 5, 'c-1-1-1-1', '组')",
                arguments: [serverURL]
            )
        }
        try pool.close()
        return home
    }
}
