import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// `409 resync_required`: a compacted cursor, an operator's request, a fresh enrollment; and the way out through a snapshot.
@Suite struct ResyncTests {
    private static let day: UInt64 = 86_400_000

    @Test func aCursorOlderThanTheCompactedLogIsResyncRequired() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var author = try await fixture.enroll(grid: "c-1-1-1-1")
            let behind = try await fixture.enroll(grid: "c-1-1")
            for _ in 0..<3 { author.addHousehold() }
            try await client.sync(&author)
            fixture.clock.advance(by: 2 * Self.day)
            let dropped = try await fixture.database.compact(retentionMilliseconds: Self.day, now: fixture.clock.now)
            try #require(dropped == 3)
            let error = try await client.expectRefusal(.resyncRequired, .conflict, for: behind, fixture: fixture)
            #expect(error?.dots == nil)
        }
    }

    /// An agent let in before compaction is refused after it: the floor is checked in the same
    /// transaction as the pull, so no page is handed out with a hole in it.
    @Test func anExchangeBelowTheFloorIsRefusedOnceCompactionPassedIt() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let behind = try await fixture.stored(try await fixture.enroll(grid: "c-1-1"))
        let nothing = ReceivedSyncRequest(SyncRequest(batchId: "behind-1", cursor: 0, operations: []))
        _ = try await fixture.database.exchange(
            try ExchangeRules().check(nothing, from: behind, now: fixture.clock.now)
        )
        try await fixture.application().test(.router) { client in
            var author = try await fixture.enroll(grid: "c-1-1-1-1")
            for _ in 0..<3 { author.addHousehold() }
            try await client.sync(&author)
        }
        fixture.clock.advance(by: 2 * Self.day)
        _ = try await fixture.database.compact(retentionMilliseconds: Self.day, now: fixture.clock.now)
        let error = await #expect(throws: ExchangeError.self) {
            try await fixture.database.exchange(
                try ExchangeRules().check(nothing, from: behind, now: fixture.clock.now)
            )
        }
        #expect(error?.code == .resyncRequired)
    }

    @Test func aCursorAtTheCompactedFloorStillSyncs() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var author = try await fixture.enroll(grid: "c-1-1-1-1")
            var reader = try await fixture.enroll(grid: "c-1-1")
            for _ in 0..<3 { author.addHousehold() }
            try await client.sync(&author)
            try await client.sync(&reader)
            #expect(reader.cursor == 3)
            fixture.clock.advance(by: 2 * Self.day)
            _ = try await fixture.database.compact(retentionMilliseconds: Self.day, now: fixture.clock.now)
            author.addHousehold()
            try await client.sync(&author)
            let answer = try await client.sync(&reader)
            #expect(answer.operations.count == 1, "an agent that had pulled everything compacted keeps syncing")
        }
    }

    @Test func anAgentCursorBlocksCompactionOfWhatItHasNotPulled() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var author = try await fixture.enroll(grid: "c-1-1-1-1")
            var reader = try await fixture.enroll(grid: "c-1-1")
            for _ in 0..<3 { author.addHousehold() }
            try await client.sync(&author)
            try await client.sync(&author)
            let dropped = try await fixture.database.compact(
                retentionMilliseconds: 90 * Self.day,
                now: fixture.clock.now
            )
            #expect(dropped == 0, "the reader has not pulled anything yet")
            try await client.syncFully(&reader)
            #expect(reader.replica.records.count == 3)
        }
    }

    @Test func anOperatorResyncIsResyncRequiredWithTheReason() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            agent.addHousehold()
            try await client.sync(&agent)
            try await fixture.database.requestResync(
                of: agent.id,
                reason: "网格调整 grid moved",
                actor: "operator",
                now: fixture.clock.now
            )
            agent.addHousehold()
            let error = try await client.expectRefusal(.resyncRequired, .conflict, for: agent, fixture: fixture)
            #expect(error?.message.contains("网格调整 grid moved") == true)
            #expect(error?.messageZh.contains("网格调整 grid moved") == true)
        }
    }

    @Test func anOperatorResyncIsClearedByTheSnapshotAndKeepsLocalWork() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            agent.addHousehold()
            try await client.sync(&agent)
            try await fixture.database.requestResync(
                of: agent.id,
                reason: "grid moved",
                actor: "operator",
                now: fixture.clock.now
            )
            let unsynced = agent.addHousehold()
            try await client.expectRefusal(.resyncRequired, .conflict, for: agent, fixture: fixture)

            let pages = try await client.snapshotPages(token: agent.token)
            #expect(try await fixture.stored(agent).resyncRequestedAt == nil)
            #expect(try await fixture.stored(agent).resyncReason == nil)
            #expect(pages.flatMap(\.records).count == 1)
            agent.cursor = try #require(pages.first).cursor
            let answer = try await client.sync(&agent)
            #expect(answer.acknowledgedThrough == 2, "the outbox is replayed on top of the snapshot")
            #expect(try await fixture.database.storedRecord(unsynced) != nil)
        }
    }

    @Test func theSnapshotThatClearsAResyncIsAudited() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let agent = try await fixture.enroll(grid: "c-1-1-1-1")
            try await fixture.database.requestResync(
                of: agent.id,
                reason: "grid moved",
                actor: "operator",
                now: fixture.clock.now
            )
            _ = try await client.snapshot(token: agent.token)
            let audit = try await fixture.database.auditTrail()
            #expect(
                audit.filter { $0.action == "agents.resync" && $0.actor == "operator" && $0.detail == "grid moved" }
                    .count == 1
            )
            #expect(audit.filter { $0.action == "snapshot" && $0.actor == "agent:\(agent.id.rawValue)" }.count == 1)
        }
    }

    @Test func aFreshlyEnrolledAgentMustTakeItsSnapshotFirst() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1", snapshotTaken: false)
            agent.addHousehold()
            try await client.expectRefusal(.resyncRequired, .conflict, for: agent, fixture: fixture)
            let page = try Wire.decode(SnapshotPage.self, from: try await client.snapshot(token: agent.token))
            agent.cursor = page.cursor
            #expect(try await client.sync(&agent).acknowledgedThrough == 1)
        }
    }

    @Test func aSnapshotAfterTheWholeLogIsCompactedGivesACursorTheServerAccepts() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var author = try await fixture.enroll(grid: "c-1-1-1-1")
            for _ in 0..<3 { author.addHousehold() }
            try await client.sync(&author)
            fixture.clock.advance(by: 2 * Self.day)
            try #require(
                try await fixture.database.compact(retentionMilliseconds: Self.day, now: fixture.clock.now) == 3
            )
            try #require(try await fixture.database.loggedOperations().isEmpty)

            var newcomer = try await fixture.enroll(grid: "c-1-1", snapshotTaken: false)
            let pages = try await client.snapshotPages(token: newcomer.token)
            #expect(pages.flatMap(\.records).count == 3)
            newcomer.cursor = try #require(pages.first).cursor
            #expect(newcomer.cursor >= 3, "the snapshot's cursor is not older than the compacted log")
            // Otherwise the agent is told to resync again, and again: a resync loop.
            let response = try await client.send(newcomer.request(), token: newcomer.token)
            #expect(response.status == .ok)
        }
    }
}
