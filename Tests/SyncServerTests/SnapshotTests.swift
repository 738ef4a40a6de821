import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// `GET /v1/snapshot`: the grid tree of the scope, the scope's records paged by key, and the pending resync it clears.
@Suite struct SnapshotTests {
    @Test func theFirstPageCarriesTheAncestorsAndTheSubtree() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let agent = try await fixture.enroll(grid: "c-1-1")
            let response = try await client.snapshot(token: agent.token)
            #expect(response.status == .ok)
            let page = try Wire.decode(SnapshotPage.self, from: response)
            #expect(
                page.grids.map(\.id) == ["c", "c-1", "c-1-1", "c-1-1-1", "c-1-1-1-1", "c-1-1-1-2", "c-dept"],
                "ancestors from the county down, then the subtree, then the departments"
            )
            #expect(page.records.isEmpty)
            #expect(page.nextAfter == nil)
        }
    }

    @Test func aGroupAgentsGridsAreItsAncestorsAndItself() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let agent = try await fixture.enroll(grid: "c-1-2-1-1")
            let page = try Wire.decode(SnapshotPage.self, from: try await client.snapshot(token: agent.token))
            #expect(page.grids.map(\.id) == ["c", "c-1", "c-1-2", "c-1-2-1", "c-1-2-1-1", "c-dept"])
        }
    }

    @Test func aCountyAgentGetsTheWholeTree() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let agent = try await fixture.enroll(grid: "c")
            let page = try Wire.decode(SnapshotPage.self, from: try await client.snapshot(token: agent.token))
            #expect(Set(page.grids) == Set(TestCounty.nodes))
            #expect(page.grids.count == TestCounty.nodes.count)
        }
    }

    @Test func recordsAreOnlyThoseOfTheAgentsScope() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var first = try await fixture.enroll(grid: "c-1-1-1-1")
            var second = try await fixture.enroll(grid: "c-1-2-1-1")
            let mine = [first.addHousehold(), first.addResident(), first.reportIncident()]
            second.addHousehold()
            second.addResident()
            try await client.sync(&first)
            try await client.sync(&second)

            let village = try await fixture.enroll(grid: "c-1-1")
            let records = try await client.snapshotPages(token: village.token).flatMap(\.records)
            #expect(Set(records.map(\.key)) == Set(mine))
            #expect(records.map(\.key) == records.map(\.key).sorted(), "records come in record-key order")
            for record in records {
                #expect(
                    record == first.replica.records[record.key],
                    "the snapshot holds the merged state the author has"
                )
            }
        }
    }

    /// Records of several grids and levels (an incident reported at the village, households in two
    /// groups): pages of one cross grid boundaries and still visit each record once, and a county
    /// agent sees the same.
    @Test func pagingAcrossGridsAndLevelsVisitsEveryRecordOnce() async throws {
        let fixture = try await ServerFixture { $0.snapshotPageSize = 1 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var village = try await fixture.enroll(grid: "c-1-1")
            var written = [
                village.addHousehold(in: "c-1-1-1-2"), village.addHousehold(in: "c-1-1-1-1"),
                village.reportIncident(in: "c-1-1"), village.addHousehold(in: "c-1-1-1-2"),
            ]
            try await client.sync(&village)
            var other = try await fixture.enroll(grid: "c-1-2-1-1")
            written.append(other.addHousehold())
            try await client.sync(&other)

            for (grid, expected) in [("c-1-1", Array(written.prefix(4))), ("c", written), ("c-1", written)] {
                let reader = try await fixture.enroll(grid: grid)
                let keys = try await client.snapshotPages(token: reader.token).flatMap(\.records).map(\.key)
                #expect(keys.count == Set(keys).count, "\(grid): no record twice")
                #expect(Set(keys) == Set(expected), "\(grid): every record of the scope")
            }
        }
    }

    @Test func pagingVisitsEveryRecordExactlyOnce() async throws {
        let fixture = try await ServerFixture { $0.snapshotPageSize = 2 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var author = try await fixture.enroll(grid: "c-1-1-1-1")
            var written: [RecordKey] = []
            for index in 0..<7 { written.append(author.addHousehold(address: "一组\(index)号")) }
            written.append(author.addResident())
            try await client.sync(&author)
            try await client.sync(&author)  // picks up nothing, but leaves no op of its own unsent

            let reader = try await fixture.enroll(grid: "c-1-1-1")
            let pages = try await client.snapshotPages(token: reader.token)
            #expect(pages.count == 4, "8 records, 2 a page")
            #expect(pages.dropLast().allSatisfy { $0.records.count == 2 && $0.nextAfter != nil })
            #expect(pages.last?.nextAfter == nil)
            let keys = pages.flatMap(\.records).map(\.key)
            #expect(keys.count == Set(keys).count, "no record appears twice")
            #expect(Set(keys) == Set(written))
            #expect(pages.first?.grids.isEmpty == false)
            #expect(pages.dropFirst().allSatisfy { $0.grids.isEmpty }, "grids come on the first page only")
            #expect(pages.first?.recordCount == 8, "the first page counts the whole snapshot")
            #expect(pages.dropFirst().allSatisfy { $0.recordCount == nil })
            #expect(pages.first?.cursor == (try await fixture.latestSeq()))
        }
    }

    @Test func nextAfterNamesTheLastRecordAndTheSnapshotsCursor() async throws {
        let fixture = try await ServerFixture { $0.snapshotPageSize = 1 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var author = try await fixture.enroll(grid: "c-1-1-1-1")
            author.addHousehold()
            author.addHousehold()
            try await client.sync(&author)
            let page = try Wire.decode(SnapshotPage.self, from: try await client.snapshot(token: author.token))
            let record = try #require(page.records.first)
            #expect(page.nextAfter == "c-1,c-1-1,c-1-1-1,c-1-1-1-1,household/\(record.id)@\(page.cursor)")
        }
    }

    /// Writes between two pages move the log on, but every page of one snapshot says the same cursor.
    @Test func everyPageOfOneSnapshotCarriesTheFirstPagesCursor() async throws {
        let fixture = try await ServerFixture { $0.snapshotPageSize = 1 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var author = try await fixture.enroll(grid: "c-1-1-1-1")
            author.addHousehold()
            author.addHousehold()
            try await client.sync(&author)
            let first = try Wire.decode(SnapshotPage.self, from: try await client.snapshot(token: author.token))
            author.addHousehold()
            try await client.sync(&author)
            let second = try Wire.decode(
                SnapshotPage.self,
                from: try await client.snapshot(token: author.token, after: first.nextAfter)
            )
            #expect(try await fixture.latestSeq() > first.cursor)
            #expect(second.cursor == first.cursor)
        }
    }

    @Test func aBadAfterKeyIsMalformedBody() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let agent = try await fixture.enroll(grid: "c-1-1")
            let scope = "c-1,c-1-1,c-1-1-1,c-1-1-1-1,"
            for after in [
                "nonsense", scope + "household/NOT-A-UUID@1", scope + "dog/0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f@1",
                scope + "household/0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f",
                scope + "household/0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f@x",
                "household/0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f@1", "",
            ] {
                let response = try await client.snapshot(token: agent.token, after: after)
                #expect(response.status == .badRequest, "after=\(after)")
                #expect((try? Wire.decode(ErrorBody.self, from: response))?.code == .malformedBody, "after=\(after)")
            }
        }
    }

    @Test func theSnapshotNeedsAValidToken() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let agent = try await fixture.enroll(grid: "c-1-1")
            try await fixture.database.revoke(agent.id, reason: nil, actor: "test", now: fixture.clock.now)
            for token in [agent.token, "unknown", nil] {
                let response = try await client.snapshot(token: token)
                #expect(response.status == .unauthorized)
                #expect((try? Wire.decode(ErrorBody.self, from: response))?.code == .unauthorized)
            }
        }
    }

    @Test func theFirstPageClearsAPendingResync() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1", snapshotTaken: false)
            try await client.expectRefusal(.resyncRequired, .conflict, for: agent, fixture: fixture)
            let page = try Wire.decode(SnapshotPage.self, from: try await client.snapshot(token: agent.token))
            #expect(try await fixture.stored(agent).resyncRequestedAt == nil)
            agent.cursor = page.cursor
            try await client.sync(&agent)
        }
    }

    @Test func aLaterPageDoesNotClearAResync() async throws {
        let fixture = try await ServerFixture { $0.snapshotPageSize = 1 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var author = try await fixture.enroll(grid: "c-1-1-1-1")
            author.addHousehold()
            author.addHousehold()
            try await client.sync(&author)
            let first = try Wire.decode(SnapshotPage.self, from: try await client.snapshot(token: author.token))
            try await fixture.database.requestResync(
                of: author.id,
                reason: "grid moved",
                actor: "operator",
                now: fixture.clock.now
            )
            _ = try await client.snapshot(token: author.token, after: first.nextAfter)
            #expect(try await fixture.stored(author).resyncReason == "grid moved", "only a first page starts a resync")
        }
    }

    @Test func aSnapshotThenAnIncrementalSyncGivesTheSameStateAsSyncingFromTheStart() async throws {
        let fixture = try await ServerFixture { $0.snapshotPageSize = 2 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var author = try await fixture.enroll(grid: "c-1-1-1-1")
            var syncing = try await fixture.enroll(grid: "c-1-1")
            for _ in 0..<3 { author.addHousehold() }
            try await client.sync(&author)
            let pages = try await client.snapshotPages(token: syncing.token)
            // The author keeps writing after the snapshot's first page.
            let household = try #require(author.replica.records.keys.first)
            author.write(.set(["phone": .string("13800000001")]), to: household)
            author.reportIncident()
            try await client.sync(&author)

            var restored = try await fixture.enroll(grid: "c-1-1")
            for record in pages.flatMap(\.records) {
                for operation in try await Self.operations(rebuilding: record, from: fixture) {
                    restored.replica.receive(operation)
                }
            }
            restored.cursor = try #require(pages.first).cursor
            try await client.syncFully(&restored)
            try await client.syncFully(&syncing)
            #expect(restored.replica.canonicalRecords == syncing.replica.canonicalRecords)
            #expect(syncing.replica.canonicalRecords.count == 4)
        }
    }

    /// The stored operations of one record, to rebuild a snapshot's record state inside an in-memory replica.
    static func operations(rebuilding record: RecordState, from fixture: ServerFixture) async throws -> [SyncOperation]
    {
        try await fixture.storedOperations().filter { $0.record == record.key && record.clock.covers($0.dot) }
    }
}
