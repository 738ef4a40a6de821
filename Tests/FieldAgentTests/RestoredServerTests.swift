import Foundation
import GRDB
import GridSyncTestSupport
import Shared
import Testing

/// The county's store restored from a backup taken before a stretch of syncing: the laptops that
/// synced since notice (the store presents an older epoch), send again what it lost from the
/// acknowledged operations they keep, and take a fresh snapshot. Every edit is back, none twice,
/// and an agent enrolled after the restore sees them all.
@Suite struct RestoredServerTests {
    @Test(.timeLimit(.minutes(3)))
    func laptopsRepairAServerRestoredFromAnOlderBackup() async throws {
        try await LiveCounty.with { county in
            let grids = ["c-1-1-1-1", "c-1-1-1-2", "c-1-2-1-1"]
            let agents = try grids.map { try county.enroll(grid: $0) }
            var households: [String: [String]] = [:]
            func round(_ index: Int) throws {
                for (agent, grid) in zip(agents, grids) {
                    let id = try agent.addHousehold(grid: grid, address: "\(index)号", head: "包\(index)")
                    households[grid, default: []].append(id)
                    if let first = households[grid]?.first { try agent.update(first, set: ["note=第\(index)轮"]) }
                    try agent.sync()
                }
            }
            try round(0)
            let backup = county.folder.appendingPathComponent("before.sqlite").path
            let saved = try county.serverCommand(["backup", backup])
            try #require(saved.status == 0, "\(saved.stderr)")
            for index in 1...3 { try round(index) }
            let before = try county.serverRecords()

            let restored = try await county.restored(from: backup)
            #expect(try restored.serverRecords().count < before.count, "the restore lost the later edits")
            for agent in agents {
                let sync = try agent.run(["sync"])
                #expect(sync.status == 0, "\(agent.grid): \(sync.stderr)")
                #expect(sync.stdout.contains("restored from an older backup"), "\(agent.grid): \(sync.stdout)")
            }
            for agent in agents { try agent.sync() }  // each pulls what the others sent again

            let after = try restored.serverRecords()
            #expect(Set(after.keys) == Set(before.keys), "every record is back")
            #expect(after == before, "with every edit, none applied twice")
            let latecomer = try restored.enroll(grid: "c-1")
            #expect(try latecomer.records() == after, "an agent enrolled after the restore sees every edit")
            for agent in agents {
                #expect(try agent.records() == (try restored.serverRecords(scope: agent.grid)), "\(agent.grid)")
            }
            let duplicates = try await DatabaseQueue(path: restored.serverDatabasePath).read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) - COUNT(DISTINCT replica || ':' || counter) FROM oplog")
            }
            #expect(duplicates == 0)
            let report = try restored.recoveryReport()
            #expect(report.agents.map(\.resent) == [6, 6, 6], "three rounds of two edits, from each laptop")
            #expect(report.agents.map(\.lost) == [0, 0, 0])
            try await restored.shutDown()
        }
    }

    /// A laptop that no longer keeps some of what the store lost (past `FIELD_AGENT_KEEP_DAYS`)
    /// sends again what it kept, reports the rest to the operator by count, and is enrolled again
    /// to go on, as a copied laptop is.
    @Test(.timeLimit(.minutes(3)))
    func whatNoLaptopKeptIsCountedForTheOperator() async throws {
        try await LiveCounty.with { county in
            let grid = "c-1-1-1-1"
            let agent = try county.enroll(grid: grid)
            let forgetful = ["FIELD_AGENT_KEEP_DAYS": "0"]  // keeps only its latest acknowledged batch
            let kept = try agent.addHousehold(grid: grid, address: "1号", head: "甲")
            try agent.sync()
            let backup = county.folder.appendingPathComponent("before.sqlite").path
            try #require(try county.serverCommand(["backup", backup]).status == 0)
            var added: [String] = []
            for index in 2...4 {
                added.append(try agent.addHousehold(grid: grid, address: "\(index)号", head: "乙\(index)"))
                let sync = try agent.run(["sync"], environment: forgetful)
                try #require(sync.status == 0, "\(sync.stderr)")
            }

            let restored = try await county.restored(from: backup)
            let refused = try agent.run(["sync"], environment: forgetful)
            #expect(refused.status == 1, "what follows the gap cannot go under this identity")
            #expect(refused.stderr.contains("enroll"), "\(refused.stderr)")
            let report = try restored.recoveryReport()
            #expect(report.agents.map(\.resent) == [1], "the latest household, still kept")
            #expect(report.agents.map(\.lost) == [2], "the two before it, no longer kept")
            let text = try restored.serverCommand(["recovery"], environment: ["LANG": "zh_CN.UTF-8"])
            #expect(text.stdout.contains("2 条操作已无终端保存"), "\(text.stdout)")

            #expect(try restored.enrollAgain(agent).status == 0)
            try agent.sync()
            let ids = Set(try agent.households().map(\.id))
            #expect(ids == [kept, added[2]], "the kept household and the one sent again; the lost two are gone")
            #expect(try agent.records() == (try restored.serverRecords(scope: grid)))
            try await restored.shutDown()
        }
    }
}

extension RestoredServerTests {
    /// A laptop enrolled after the backup is unknown to the restored store (its token is refused):
    /// the operator enrolls its replica id again, the worker enrolls in place with the new token,
    /// and the laptop sends its work again under its own id, as every other laptop does.
    @Test(.timeLimit(.minutes(3)))
    func aLaptopEnrolledAfterTheBackupGoesOnUnderItsOwnId() async throws {
        try await LiveCounty.with { county in
            let first = try county.enroll(grid: "c-1-1-1-1")
            _ = try first.addHousehold(grid: "c-1-1-1-1", address: "1号", head: "甲")
            try first.sync()
            let backup = county.folder.appendingPathComponent("before.sqlite").path
            try #require(try county.serverCommand(["backup", backup]).status == 0)
            let late = try county.enroll(grid: "c-1-1-1-2")
            let household = try late.addHousehold(grid: "c-1-1-1-2", address: "2号", head: "乙")
            try late.sync()
            try late.update(household, set: ["note=后来"])
            try late.sync()
            let replica = try late.status().replica

            let restored = try await county.restored(from: backup)
            let refused = try late.run(["sync"])
            #expect(refused.status != 0)
            #expect(try late.status().lastFailure?.advice.contains("--replica") == true)
            let twice = try restored.serverCommand([
                "agents", "enroll", "--grid", "c-1-1-1-1", "--replica", "\(first.status().replica)",
            ])
            #expect(twice.status != 0, "an id the store knows is not enrolled again")

            let token = try restored.writeTokenFile(try restored.issueToken(grid: late.grid, replica: replica) + "\n")
            let enrolled = try late.run(["enroll", "--server", restored.serverURL, "--token-file", token])
            #expect(enrolled.status == 0, "\(enrolled.stderr)")
            #expect(enrolled.stdout.contains("Enrolled again as replica \(replica)"), "\(enrolled.stdout)")
            try late.sync()
            #expect(try late.records() == (try restored.serverRecords(scope: late.grid)))
            #expect(try restored.serverRecords(scope: late.grid).keys.contains("household/\(household)"))
            #expect(try late.household(household).fields["note"] == .string("后来"))
            #expect(try restored.recoveryReport().agents.map(\.resent) == [2])
            try await restored.shutDown()
        }
    }
}

extension LiveCounty {
    /// `sync-server recovery --json`, decoded.
    func recoveryReport(sourceLocation: SourceLocation = #_sourceLocation) throws -> RecoveryJSON {
        let result = try serverCommand(["recovery", "--json"])
        try #require(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
        return try JSONDecoder().decode(RecoveryJSON.self, from: Data(result.stdout.utf8))
    }
}

struct RecoveryJSON: Decodable {
    struct Agent: Decodable {
        let replica: UInt32
        let resent: UInt64
        let lost: UInt64
    }
    let generation: UInt64
    let agents: [Agent]
    let notSyncedSince: Int?
}
