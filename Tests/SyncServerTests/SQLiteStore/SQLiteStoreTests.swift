import Foundation
import GRDB
import GridSyncTestSupport
import Testing

@testable import GridSyncServer

/// What only the SQLite engine promises: how its writer reaches the disk and what its backup file
/// is. The rest of the server's behaviour is tested through ``SyncStore`` and ``StoreInspection``.
@Suite struct SQLiteStoreTests {
    /// A process crash loses nothing committed in any mode; a power cut only spares what was
    /// flushed, so the connection that commits batches must run with `synchronous = FULL`.
    @Test func batchesAreFlushedToDiskBeforeTheyAreAcknowledged() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let mode = try await fixture.sqlite.writer.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        #expect(mode == 2, "the writer runs with synchronous = FULL (2), not \(mode.map(String.init) ?? "nothing")")
    }

    @Test func backupWritesAConsistentCopyAndNeverOverwrites() throws {
        let commands = CommandLineTests()
        defer { try? FileManager.default.removeItem(at: commands.folder) }
        try commands.importCounty()
        let copy = commands.folder.appendingPathComponent("backup.sqlite").path
        #expect(try commands.server.run(["backup", copy, "--data-dir", commands.data]).status == 0)
        let restored = try SQLiteStore(DatabaseQueue(path: copy))
        #expect(try restored.integrityProblems() == [])
        #expect(try restored.grids().count == 6)
        let again = try commands.server.run(["backup", copy, "--data-dir", commands.data])
        #expect(again.status == 1)
    }
}

extension ServerFixture {
    /// The fixture's store as the SQLite engine, for that engine's own tests.
    var sqlite: SQLiteStore {
        get throws { try #require(database as? SQLiteStore, "a test of the SQLite engine runs on it") }
    }
}
