import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// A snapshot's pages are read in separate requests, minutes apart on a village link, while
/// records keep moving; still every record in scope at the snapshot's cursor arrives exactly once.
@Suite struct SnapshotConsistencyTests {
    /// Households in both groups of village c-1-1, four to a group, and pages of three records.
    struct Village {
        let fixture: ServerFixture
        var township: TestAgent
        let reader: TestAgent
        var first: [RecordKey] = []
        var second: [RecordKey] = []

        init(_ fixture: ServerFixture, _ client: some TestClientProtocol) async throws {
            self.fixture = fixture
            township = try await fixture.enroll(grid: "c-1")
            reader = try await fixture.enroll(grid: "c-1-1")
            for index in 0..<4 {
                first.append(township.addHousehold(in: "c-1-1-1-1", address: "一组\(index)号"))
                second.append(township.addHousehold(in: "c-1-1-1-2", address: "二组\(index)号"))
            }
            try await client.sync(&township)
        }

        mutating func move(_ household: RecordKey, to grid: String, _ client: some TestClientProtocol) async throws {
            fixture.clock.advance(by: 1_000)
            township.write(.set(["gridId": .string(grid)]), to: household)
            try await client.sync(&township)
        }

        /// Pages through the reader's snapshot, calling `between` after each page.
        func pages(
            _ client: some TestClientProtocol,
            between: (Int) async throws -> Void
        ) async throws -> [RecordKey] {
            var keys: [RecordKey] = []
            var after: String?
            var page = 0
            repeat {
                let response = try await client.snapshot(token: reader.token, after: after)
                try #require(response.status == .ok)
                let decoded = try Wire.decode(SnapshotPage.self, from: response)
                keys += decoded.records.map(\.key)
                after = decoded.nextAfter
                page += 1
                try await between(page)
            } while after != nil
            return keys
        }
    }

    /// A household of the second group moves to the first after the first group was paged: read
    /// by where records stand now, it would be skipped; one of the first group moves to the
    /// second before it is paged and would come twice.
    @Test func recordsMovingBetweenPagesArriveExactlyOnce() async throws {
        let fixture = try await ServerFixture { $0.snapshotPageSize = 3 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var village = try await Village(fixture, client)
            let everything = Set(village.first + village.second)
            let backwards = village.second[0]
            let forwards = village.first[3]
            let keys = try await village.pages(client) { page in
                guard page == 1 else { return }
                try await village.move(backwards, to: "c-1-1-1-1", client)
                try await village.move(village.first[0], to: "c-1-1-1-2", client)
                try await village.move(forwards, to: "c-1-1-1-2", client)
            }
            #expect(keys.count == everything.count, "no record twice: \(keys.count) for \(everything.count)")
            #expect(Set(keys) == everything, "no record skipped")
        }
    }

    /// A record that leaves the scope mid-snapshot was in scope at its cursor: it still arrives,
    /// once, and the move itself comes with the next sync.
    @Test func aRecordLeavingTheScopeMidSnapshotStillArrivesOnce() async throws {
        let fixture = try await ServerFixture { $0.snapshotPageSize = 3 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var village = try await Village(fixture, client)
            let leaving = village.second[2]
            let keys = try await village.pages(client) { page in
                if page == 1 { try await village.move(leaving, to: "c-1-2-1-1", client) }
            }
            #expect(keys.filter { $0 == leaving }.count == 1)
            #expect(Set(keys) == Set(village.first + village.second))
        }
    }

    /// Whatever moves, a snapshot taken with nothing moving still pages in the scope index's order.
    @Test func aQuietSnapshotPagesInIndexOrder() async throws {
        let fixture = try await ServerFixture { $0.snapshotPageSize = 3 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let village = try await Village(fixture, client)
            let keys = try await village.pages(client) { _ in }
            let order = try await village.fixture.database.storedRecords().filter { $0.ancestors[1] == "c-1-1" }
            #expect(keys == order.map(\.key))
        }
    }
}
