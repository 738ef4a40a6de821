import Foundation
import GridSyncTestSupport
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// The operator's commands, run as the real `sync-server` binary against a temporary data directory.
@Suite struct CommandLineTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gridsync-cli-\(UUID().uuidString)")
    var data: String { folder.path }
    var server: CommandRunner { CommandRunner(scratch: folder) }

    /// Runs `sync-server` as an operator would, in English or (`language: "zh"`) Chinese.
    struct CommandRunner {
        let scratch: URL

        func run(
            _ arguments: [String],
            language: String = "C",
            environment: [String: String] = [:]
        ) throws -> BuiltBinary.CommandResult {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            var extra = environment
            if language == "zh" { extra["LANG"] = "zh_CN.UTF-8" }
            return try BuiltBinary.syncServer.run(arguments, scratch: scratch, environment: extra)
        }
    }

    static let validCSV = """
        id,parent_id,level,name,kind
        c,,0,测试县,rural
        c-1,c,1,"测试乡, 东部",rural
        c-1-1,c-1,2,一村,rural
        c-1-1-1,c-1-1,3,一村一片,rural
        c-1-1-1-1,c-1-1-1,4,一村一组,rural
        c-dept,c,1,测试部门,department
        """

    func write(_ text: String, to name: String) throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func importCounty() throws {
        let result = try server.run(["grids", "import", try write(Self.validCSV, to: "grids.csv"), "--data-dir", data])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// The ingest benchmark replays the merge's own statements; a change to them must not leave
    /// it behind (a debug build and a tiny workload: this checks that it runs, not how fast).
    @Test func theIngestBenchmarkRunsAgainstTheCurrentStatements() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try BuiltBinary.benchmarks.run(
            ["ingest", "--agents", "2", "--batches", "2", "--batch-size", "3", "--rounds", "1"],
            scratch: folder
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("ratio"), "\(result.stdout)")
    }

    @Test func gridsImportThenListAsJSON() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try importCounty()
        let list = try server.run(["grids", "list", "--json", "--data-dir", data])
        let nodes = try CanonicalJSON.decode([GridNode].self, from: Data(list.stdout.utf8))
        #expect(nodes.count == 6)
        #expect(list.stdout.contains(#"    "id" : "c-1","#), "laid out for people, like the other --json views")
        #expect(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) is [Any], "and JSON for any reader")
        #expect(nodes.first { $0.id == "c-1" }?.name == "测试乡, 东部")
    }

    @Test func aBadLineRefusesTheWholeFileAndNamesTheLine() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = Self.validCSV.replacingOccurrences(of: "c-1-1,c-1,2,一村,rural", with: "c-1-1,c-1,7,一村,rural")
        let result = try server.run(["grids", "import", try write(csv, to: "bad.csv"), "--data-dir", data])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Line 4"))
        #expect(result.stderr.split(separator: "\n").count == 1, "one sentence")
        let list = try server.run(["grids", "list", "--json", "--data-dir", data])
        #expect(try CanonicalJSON.decode([GridNode].self, from: Data(list.stdout.utf8)).isEmpty, "nothing was imported")
    }

    @Test func aTreeErrorNamesTheLineOfTheNode() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = Self.validCSV + "\nc-9-9,c-9,2,孤村,rural"
        let english = try server.run(["grids", "import", try write(csv, to: "orphan.csv"), "--data-dir", data])
        #expect(english.status == 1)
        #expect(english.stderr.contains("Line 8") && english.stderr.contains("c-9"))
        let chinese = try server.run(
            ["grids", "import", try write(csv, to: "orphan.csv"), "--data-dir", data],
            language: "zh"
        )
        #expect(chinese.stderr.contains("第8行"))
    }

    @Test func enrollPrintsTheTokenAloneOnTheLastLine() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try importCounty()
        let enrolled = try server.run([
            "agents", "enroll", "--grid", "c-1-1-1-1", "--name", "一组网格员", "--data-dir", data,
        ])
        #expect(enrolled.status == 0)
        #expect(enrolled.lastLine.count == 46 && !enrolled.lastLine.contains(" "))
        let agent = try #require(try await TestStore.open(directory: data).agents().first)
        #expect(agent.name == "一组网格员")
        #expect(agent.resyncRequestedAt != nil, "a new agent starts with its snapshot pending")
    }

    @Test func resyncAndRevokeAreRecordedWithWhoAndWhy() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try importCounty()
        _ = try server.run(["agents", "enroll", "--grid", "c-1-1-1-1", "--data-dir", data])
        let resync = try server.run(
            ["agents", "resync", "1", "--reason", "laptop replaced", "--data-dir", data],
            environment: ["USER": "wang"]
        )
        #expect(resync.status == 0)
        let revoke = try server.run(
            ["agents", "revoke", "1", "--reason", "lost", "--data-dir", data],
            environment: ["USER": "wang"]
        )
        #expect(revoke.status == 0)
        struct Entry: Decodable {
            let replica: UInt32
            let pendingResync: Bool
            let resyncReason: String?
            let revoked: Bool
        }
        let list = try JSONDecoder().decode(
            [Entry].self,
            from: Data(try server.run(["agents", "list", "--json", "--data-dir", data]).stdout.utf8)
        )
        #expect(list.first?.resyncReason == "laptop replaced")
        #expect(list.first?.revoked == true)
        let audit = try await TestStore.open(directory: data).auditTrail().filter { $0.action.hasPrefix("agents.") }
            .map { "\($0.actor) \($0.action) \($0.detail ?? "")" }
        #expect(audit.contains("operator:wang agents.resync laptop replaced"))
        #expect(audit.contains("operator:wang agents.revoke lost"))
    }

    @Test func usageErrorsExitWithTwoAndFailuresWithOne() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try importCounty()
        let usage = try server.run(["agents", "resync", "1", "--data-dir", data])
        #expect(usage.status == 2)
        let missing = try server.run(["agents", "enroll", "--grid", "nowhere", "--data-dir", data])
        #expect(missing.status == 1)
        #expect(missing.stderr == "Grid nowhere does not exist.\n")
        let chinese = try server.run(["agents", "enroll", "--grid", "nowhere", "--data-dir", data], language: "zh")
        #expect(chinese.stderr == "网格 nowhere 不存在。\n")
    }

    @Test func conflictsListIsEmptyJSONOnANewServer() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try importCounty()
        let list = try server.run(["conflicts", "list", "--json", "--data-dir", data])
        #expect(list.status == 0)
        #expect(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any] != nil)
        #expect((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any])?.isEmpty == true)
    }

    /// Two agents set the household's phone without seeing each other's, a conflict in the store;
    /// the operator lists it and keeps value 1.
    @Test func conflictsResolvePicksAValueAndTheConflictIsGone() async throws {
        let fixture = try await ServerFixture()
        defer {
            fixture.remove()
            try? FileManager.default.removeItem(at: folder)
        }
        let data = fixture.directory.path
        let household = try await fixture.application().test(.router) { client in
            var first = try await fixture.enroll(grid: "c-1-1-1-1")
            var second = try await fixture.enroll(grid: "c-1-1")
            return try await ConflictResolutionTests.conflictOnPhone(&first, &second, client)
        }
        struct Listed: Decodable {
            let recordId: String
            let field: String
            let values: [Value]
        }
        struct Value: Decodable { let value: FieldValue }
        let listed = try JSONDecoder().decode(
            [Listed].self,
            from: Data(try server.run(["conflicts", "list", "--json", "--data-dir", data]).stdout.utf8)
        )
        #expect(listed.map(\.field) == ["phone"])
        #expect(listed.first?.values.count == 2)
        let chosen = try #require(listed.first?.values.first?.value)

        let usage = try server.run([
            "conflicts", "resolve", "household/\(household.id)", "--field", "phone", "--data-dir", data,
        ])
        #expect(usage.status == 2, "neither --pick nor --value")
        let resolved = try server.run([
            "conflicts", "resolve", "household/\(household.id)", "--field", "phone", "--pick", "1", "--data-dir", data,
        ])
        #expect(resolved.status == 0, "\(resolved.stderr)")
        #expect(try await fixture.database.conflicts().isEmpty)
        let state = try #require(try await fixture.database.storedRecord(household))
        #expect(state.registers["phone"]?.count == 1)
        #expect(state.visibleValue(of: "phone") == chosen)
        let again = try server.run([
            "conflicts", "resolve", "household/\(household.id)", "--field", "phone", "--pick", "1", "--data-dir", data,
        ])
        #expect(again.status == 1, "no conflict left to resolve")
    }
}
