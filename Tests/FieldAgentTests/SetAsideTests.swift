import Foundation
import GridSyncTestSupport
import Shared
import Testing

/// An operation the server will not take from an honest agent is set aside, not the batch
/// refused: the rest goes through, the laptop undoes it and shows it, and the county operator
/// applies or discards it. Here a worker offline adds a resident (with a phone) to a household
/// the township has meanwhile moved to another village.
@Suite struct SetAsideTests {
    struct LocalEntry: Decodable {
        let counter: UInt64
        let kind: String
        let code: String
        let message: String
    }

    @Test(.timeLimit(.minutes(2)))
    func anOperationTheServerCannotTakeIsSetAsideAndTheRestGoesThrough() async throws {
        try await LiveCounty.with { county in
            let township = try county.enroll(grid: "c-1")
            let group = try county.enroll(grid: "c-1-1-1-1")
            let household = try group.addHousehold(grid: "c-1-1-1-1", address: "一组5号", head: "包金山")
            try group.sync()
            try township.sync()
            try township.update(household, set: ["gridId=c-1-2-1-1"])
            try township.sync()

            // Offline, the group still sees the household: a resident with a phone, and a new household.
            let added = try group.succeed(
                ["resident", "add", "--name", "包小花", "--household", household, "--add", "phones=13800000001"]
            )
            let resident = added.lastLine
            let fresh = try group.addHousehold(grid: "c-1-1-1-1", address: "一组6号", head: "包新户")

            let sync = try group.run(["sync"])
            #expect(sync.status == 0, "the batch is not refused: \(sync.stderr)")
            #expect(sync.stdout.contains("set aside 2 of your edits"), "\(sync.stdout)")
            #expect(try group.status().pendingOperations == 0)
            let local = try JSONDecoder().decode(
                [LocalEntry].self,
                from: Data(try group.succeed(["set-aside", "list", "--json"]).stdout.utf8)
            )
            #expect(local.map(\.kind) == ["create", "add"], "the resident and its phone, both set aside")
            #expect(local.first?.code == "out_of_scope")
            #expect(local.last?.code == "set_aside", "the phone builds on the set-aside resident")
            #expect(try group.records()["resident/\(resident)"] == nil, "undone on the laptop")
            let server = try county.serverRecords()
            #expect(server["household/\(fresh)"] != nil, "the rest of the batch reached the county")
            #expect(server["resident/\(resident)"] == nil)
            let chinese = try group.run(["set-aside", "list"], environment: ["LANG": "zh_CN.UTF-8"])
            #expect(chinese.stdout.containsCJK, "\(chinese.stdout)")

            // The operator sees both, applies the resident and discards the phone.
            let pending = try county.serverSetAside()
            #expect(pending.map(\.kind) == ["create", "add"])
            let apply = try county.serverCommand(["set-aside", "apply", "\(pending[0].id)", "--reason", "住户已迁出，居民仍在本组"])
            #expect(apply.status == 0, "\(apply.stderr)")
            let discard = try county.serverCommand(["set-aside", "discard", "\(pending[1].id)", "--reason", "电话待核实"])
            #expect(discard.status == 0, "\(discard.stderr)")
            let again = try county.serverCommand(["set-aside", "discard", "\(pending[1].id)", "--reason", "再次"])
            #expect(again.status == 1, "a decided operation cannot be decided again")
            #expect(again.stderr.isOneLine)
            let decided = try county.serverSetAside(all: true)
            #expect(decided.map(\.status) == ["applied", "discarded"])
            #expect(try county.serverSetAside().isEmpty)

            try group.sync()
            let applied = try #require(try county.serverRecords()["resident/\(resident)"])
            #expect(try group.records()["resident/\(resident)"] == applied, "the applied change reaches its author")
            let state = try CanonicalJSON.decode(RecordState.self, from: applied)
            #expect(state.elements(of: "phones").isEmpty, "the discarded phone is not there")
        }
    }
}
