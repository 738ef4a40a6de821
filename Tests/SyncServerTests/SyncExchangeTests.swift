import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// The one-round-trip exchange through the router: push, merge, pull, acknowledge.
@Suite struct SyncExchangeTests {
    @Test func twoAgentsExchangeEditsAndTheSameFieldBecomesAConflict() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var first = try await fixture.enroll(grid: "c-1-1-1-1")
            var second = try await fixture.enroll(grid: "c-1-1")
            let household = first.addHousehold()
            try await client.sync(&first)
            try await client.sync(&second)
            #expect(second.replica.records[household] != nil, "the village agent pulls the group's new household")

            first.write(.set(["phone": .string("13800000001")]), to: household)
            second.write(.set(["phone": .string("13900000002")]), to: household)
            let answer = try await client.sync(&first)
            #expect(answer.acknowledgedThrough == 2)
            try await client.sync(&second)
            try await client.sync(&first)
            let conflicts = try await fixture.database.conflicts()
            #expect(conflicts.map(\.field) == ["phone"])
            #expect(
                Set(conflicts.first?.values.map(\.value) ?? []) == [.string("13800000001"), .string("13900000002")]
            )
            #expect(first.replica.records[household] == second.replica.records[household])
        }
    }
}
