import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// Pulls come in pages of `settings.pageSize`; the cursor only moves when the agent commits a page.
@Suite struct PullPagingTests {
    @Test func tenOperationsArriveInPagesOfThree() async throws {
        let fixture = try await ServerFixture { $0.pageSize = 3 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var author = try await fixture.enroll(grid: "c-1-1-1-1")
            var reader = try await fixture.enroll(grid: "c-1-1-1-1")
            let household = author.addHousehold()
            for index in 1...9 { author.write(.set(["note": .string("第\(index)次走访")]), to: household) }
            #expect(try await client.sync(&author).acknowledgedThrough == 10)

            var pages: [SyncResponse] = []
            repeat {
                pages.append(try await client.sync(&reader))
            } while pages.last!.hasMore && pages.count < 10
            #expect(pages.map(\.hasMore) == [true, true, true, false])
            #expect(pages.map(\.operations.count) == [3, 3, 3, 1])
            #expect(pages.flatMap(\.operations).map(\.dot.counter) == Array(1...10), "in server order, each once")
            #expect(reader.cursor == (try await fixture.latestSeq()))
            #expect(reader.cursor == 10)
            #expect(reader.replica.records[household] == author.replica.records[household], "all ten applied")
        }
    }

    @Test func eachPageCursorIsItsLastOperationsSequence() async throws {
        let fixture = try await ServerFixture { $0.pageSize = 3 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var author = try await fixture.enroll(grid: "c-1-1-1-1")
            var reader = try await fixture.enroll(grid: "c-1-1")
            for _ in 0..<7 { author.addHousehold() }
            try await client.sync(&author)
            #expect(try await client.sync(&reader).cursor == 3)
            #expect(try await client.sync(&reader).cursor == 6)
            let last = try await client.sync(&reader)
            #expect(last.cursor == 7)
            #expect(last.hasMore == false)
        }
    }

    @Test func aRepeatedPullWithTheSameCursorReturnsTheSamePage() async throws {
        let fixture = try await ServerFixture { $0.pageSize = 3 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var author = try await fixture.enroll(grid: "c-1-1-1-1")
            var reader = try await fixture.enroll(grid: "c-1-1-1-1")
            for _ in 0..<10 { author.addHousehold() }
            try await client.sync(&author)
            try await client.sync(&reader)  // commits the first page

            let request = reader.request()
            let first = try Wire.decode(SyncResponse.self, from: try await client.send(request, token: reader.token))
            let again = try Wire.decode(SyncResponse.self, from: try await client.send(request, token: reader.token))
            #expect(first.operations == again.operations)
            #expect(first.cursor == again.cursor)
            #expect(first.operations.map(\.dot.counter) == [4, 5, 6])
            #expect(
                try await fixture.stored(reader).cursor == 3,
                "the server records the cursor the agent committed, not the one it was offered"
            )
        }
    }

    @Test func anAgentNeverPullsItsOwnOperations() async throws {
        let fixture = try await ServerFixture { $0.pageSize = 3 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var author = try await fixture.enroll(grid: "c-1-1-1-1")
            for _ in 0..<5 { author.addHousehold() }
            let answer = try await client.sync(&author)
            #expect(answer.operations.isEmpty)
            #expect(answer.hasMore == false)
            #expect(answer.cursor == 5, "the cursor moves past its own operations")
        }
    }

    @Test func theSameExchangePushesAndPulls() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var first = try await fixture.enroll(grid: "c-1-1-1-1")
            var second = try await fixture.enroll(grid: "c-1-1-1-1")
            let theirs = first.addHousehold()
            try await client.sync(&first)
            let mine = second.addHousehold(address: "一组2号")
            let answer = try await client.sync(&second)
            #expect(answer.acknowledgedThrough == 1)
            #expect(answer.operations.map(\.record) == [theirs])
            #expect(Set(second.replica.records.keys) == [theirs, mine])
            #expect(answer.serverTime == fixture.clock.now)
        }
    }

    @Test func pullingInterleavedWithOtherWritesLosesNothing() async throws {
        let fixture = try await ServerFixture { $0.pageSize = 2 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var author = try await fixture.enroll(grid: "c-1-1-1-1")
            var reader = try await fixture.enroll(grid: "c-1-1")
            var outsider = try await fixture.enroll(grid: "c-1-2")
            for round in 0..<4 {
                author.addHousehold(address: "一组\(round)号")
                outsider.addHousehold(in: "c-1-2-1-1")
                try await client.sync(&author)
                try await client.sync(&outsider)
                try await client.sync(&reader)
            }
            try await client.syncFully(&reader)
            #expect(reader.replica.canonicalRecords == author.replica.canonicalRecords)
            #expect(reader.cursor == (try await fixture.latestSeq()))
        }
    }
}
