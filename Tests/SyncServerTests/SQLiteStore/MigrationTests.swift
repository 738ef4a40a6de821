import Foundation
import GRDB
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// A data directory written by an earlier version upgrades in place when the daemon opens it.
@Suite struct MigrationTests {
    @Test func recordsFromTheFirstSchemaStayInTheirAgentsSnapshots() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gridsync-migration-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("server.sqlite").path

        // The first schema, with two village-level incidents whose absent levels are NULL, as it wrote
        // them; paging past the first must still find the second.
        let old = try DatabasePool(path: path, configuration: SQLiteStore.configuration())
        try SQLiteStore.migrator.migrate(old, upTo: "2026-11-29 initial schema")
        let incidents = ["00000000-0000-7000-8000-000000000008", "00000000-0000-7000-8000-000000000009"].map {
            RecordKey(type: .incident, id: $0)
        }
        let stored = incidents.map { incident in
            var state = RecordState(type: .incident, id: incident.id)
            state.apply(
                SyncOperation(
                    dot: Dot(replica: .server, counter: 1),
                    context: VersionVector(),
                    hlc: HLCTimestamp(wallMilliseconds: 1),
                    type: .incident,
                    id: incident.id,
                    payload: .create([
                        "gridId": .string("c-1-1"), "category": .string("dispute"), "summary": .string("旧数据"),
                    ])
                )
            )
            return CanonicalJSON.encode(state)
        }
        try await old.write { db in
            for node in TestCounty.nodes.sorted(by: { $0.level < $1.level }) {
                let scope = GridScope(node: node, in: try GridTree(TestCounty.nodes)).ancestors
                try db.execute(
                    sql:
                        "INSERT INTO gridNode(id, parentId, level, name, kind, linesOfWork, g1, g2, g3, g4) VALUES (?, ?, ?, ?, ?, '[]', ?, ?, ?, ?)",
                    arguments: [
                        node.id, node.parentID, node.level.rawValue, node.name, node.kind.rawValue, scope[0], scope[1],
                        scope[2], scope[3],
                    ]
                )
            }
            for (incident, state) in zip(incidents, stored) {
                try db.execute(
                    sql:
                        "INSERT INTO record(type, id, gridId, g1, g2, g3, g4, state, seq) VALUES ('incident', ?, 'c-1-1', 'c-1', 'c-1-1', NULL, NULL, ?, 0)",
                    arguments: [incident.id, state]
                )
            }
        }
        try old.close()

        let upgraded = try SQLiteStore.open(directory: folder.path)
        let (agent, _) = try upgraded.enroll(gridId: "c-1-1", name: nil, actor: "test", now: 1)
        var keys: [RecordKey] = []
        var after: SnapshotPageToken?
        repeat {
            let slice = try await upgraded.snapshot(for: agent, after: after, limit: 1, now: 1)
            keys += try slice.records.map { try CanonicalJSON.decode(RecordState.self, from: $0).key }
            after = slice.nextAfter.flatMap(SnapshotPageToken.init)
        } while after != nil
        #expect(keys == incidents)
        #expect(try upgraded.integrityProblems() == [])
    }

    /// A store that moved records before `gridWrite` existed gets, from its log, the history the
    /// exchanges write now: the same rows, so edits are judged alike before and after the upgrade.
    @Test func theGridWriteHistoryIsRebuiltFromTheLog() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var area = try await fixture.enroll(grid: "c-1-1-1")
            var township = try await fixture.enroll(grid: "c-1")
            let household = area.addHousehold(in: "c-1-1-1-2")
            area.addHousehold(in: "c-1-1-1-2")  // never moves, so has no history
            try await client.sync(&area)
            try await client.sync(&township)
            fixture.clock.advance(by: 1_000)
            area.write(.set(["gridId": .string("c-1-1-1-1")]), to: household)
            fixture.clock.advance(by: 1_000)
            township.write(.set(["gridId": .string("c-1-2-1-1")]), to: household)
            try await client.sync(&township)
            try await client.sync(&area)
        }
        let all =
            "SELECT type || ' ' || id || ' ' || replica || ':' || counter || ' ' || context || ' ' || gridId FROM gridWrite"
        let store = try fixture.sqlite
        let written = try await store.writer.read { db in try String.fetchAll(db, sql: all) }
        #expect(written.count == 3, "the creation and both moves of the one household that moved")
        let rebuilt = try await store.writer.write { db in
            try db.execute(sql: "DELETE FROM gridWrite")
            try GridWrites.backfill(db)
            return try String.fetchAll(db, sql: all)
        }
        #expect(rebuilt == written)
    }
}
