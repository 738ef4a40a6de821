import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// Concurrent writes of one field open a conflict; an operator's covering write resolves it everywhere.
@Suite struct ConflictResolutionTests {
    @Test func concurrentEditsOfDifferentFieldsDoNotConflict() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var first = try await fixture.enroll(grid: "c-1-1-1-1")
            var second = try await fixture.enroll(grid: "c-1-1")
            let household = first.addHousehold()
            try await client.sync(&first)
            try await client.sync(&second)
            first.write(.set(["phone": .string("13800000001")]), to: household)
            second.write(.set(["note": .string("独居老人")]), to: household)
            try await client.sync(&first)
            try await client.sync(&second)
            try await client.sync(&first)
            #expect(try await fixture.database.conflicts().isEmpty)
            #expect(first.replica.records[household] == second.replica.records[household])
            #expect(try await fixture.database.storedRecord(household)?.conflicts.isEmpty == true)
        }
    }

    /// A laptop whose clock runs minutes ahead (within the drift bound) must not make the server's
    /// own later write look older: server writes tick past everything the record holds.
    @Test func aServerWriteOrdersAfterValuesFromFastLaptopClocks() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var first = try await fixture.enroll(grid: "c-1-1-1-1")
            var second = try await fixture.enroll(grid: "c-1-1")
            let household = first.addHousehold()
            try await client.sync(&first)
            try await client.sync(&second)
            let ahead = fixture.clock.now + 4 * 60_000
            first.write(.set(["phone": .string("13800000001")]), to: household, at: ahead)
            second.write(.set(["phone": .string("13900000002")]), to: household)
            try await client.sync(&first)
            try await client.sync(&second)
            try await fixture.database.resolveConflict(
                on: household,
                field: "phone",
                value: .string("13700000003"),
                actor: "operator",
                now: fixture.clock.now
            )
            let resolution = try #require(try await fixture.database.storedRecord(household)?.registers["phone"]?.first)
            #expect(resolution.dot.replica == .server)
            #expect(resolution.hlc.wallMilliseconds >= ahead, "the server's write is stamped after the fast laptop's")
        }
    }

    @Test func anOperatorResolutionClearsTheConflictOnTheServerAndBothAgents() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var first = try await fixture.enroll(grid: "c-1-1-1-1")
            var second = try await fixture.enroll(grid: "c-1-1")
            let household = try await Self.conflictOnPhone(&first, &second, client)
            #expect(try await fixture.database.conflicts().map(\.field) == ["phone"])

            try await fixture.database.resolveConflict(
                on: household,
                field: "phone",
                value: .string("13700000003"),
                actor: "operator",
                now: fixture.clock.now
            )
            #expect(try await fixture.database.conflicts().isEmpty)
            #expect(try await fixture.database.conflictMarks().isEmpty)
            let stored = try #require(try await fixture.database.storedRecord(household))
            #expect(stored.registers["phone"]?.map(\.value) == [.string("13700000003")])
            #expect(stored.registers["phone"]?.first?.dot.replica == .server)

            try await client.sync(&first)
            try await client.sync(&second)
            for agent in [first, second] {
                let record = try #require(agent.replica.records[household])
                #expect(record.registers["phone"]?.count == 1, "no siblings left")
                #expect(record.visibleValue(of: "phone") == .string("13700000003"))
                #expect(record.conflicts.isEmpty)
                #expect(record == stored)
            }
            #expect(first.replica.records[household] == second.replica.records[household])
        }
    }

    @Test func theResolutionIsAudited() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var first = try await fixture.enroll(grid: "c-1-1-1-1")
            var second = try await fixture.enroll(grid: "c-1-1")
            let household = try await Self.conflictOnPhone(&first, &second, client)
            try await fixture.database.resolveConflict(
                on: household,
                field: "phone",
                value: .string("13700000003"),
                actor: "operator:王",
                now: fixture.clock.now
            )
            #expect(
                try await fixture.database.auditTrail().filter {
                    $0.action == "conflicts.resolve" && $0.actor == "operator:王" && $0.subject == "\(household)"
                }.count == 1
            )
        }
    }

    @Test func resolvingWhereThereIsNoConflictIsRefused() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            let household = agent.addHousehold()
            try await client.sync(&agent)
            let before = try await fixture.storeState()
            await #expect(throws: ModelError.self) {
                try await fixture.database.resolveConflict(
                    on: household,
                    field: "phone",
                    value: .string("13700000003"),
                    actor: "operator",
                    now: fixture.clock.now
                )
            }
            #expect(try await fixture.storeState() == before)
        }
    }

    @Test func anInvalidResolutionValueIsRefused() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var first = try await fixture.enroll(grid: "c-1-1-1-1")
            var second = try await fixture.enroll(grid: "c-1-1")
            let household = try await Self.conflictOnPhone(&first, &second, client)
            let before = try await fixture.storeState()
            await #expect(throws: ModelError.self) {
                try await fixture.database.resolveConflict(
                    on: household,
                    field: "phone",
                    value: .string("12345"),
                    actor: "operator",
                    now: fixture.clock.now
                )
            }
            #expect(try await fixture.storeState() == before)
        }
    }

    @Test func anAgentsCoveringWriteAlsoResolvesTheConflict() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var first = try await fixture.enroll(grid: "c-1-1-1-1")
            var second = try await fixture.enroll(grid: "c-1-1")
            let household = try await Self.conflictOnPhone(&first, &second, client)
            first.write(.set(["phone": .string("13600000004")]), to: household)
            try await client.sync(&first)
            #expect(try await fixture.database.conflicts().isEmpty)
            try await client.sync(&second)
            #expect(second.replica.records[household] == first.replica.records[household])
            #expect(second.replica.records[household]?.conflicts.isEmpty == true)
        }
    }

    /// Two agents write the household's phone concurrently and both end up holding both siblings.
    static func conflictOnPhone(
        _ first: inout TestAgent,
        _ second: inout TestAgent,
        _ client: some TestClientProtocol
    ) async throws -> RecordKey {
        let household = first.addHousehold()
        try await client.sync(&first)
        try await client.sync(&second)
        first.write(.set(["phone": .string("13800000001")]), to: household)
        second.write(.set(["phone": .string("13900000002")]), to: household)
        try await client.sync(&first)
        try await client.sync(&second)
        try await client.sync(&first)
        try #require(first.replica.records[household]?.registers["phone"]?.count == 2)
        try #require(second.replica.records[household]?.registers["phone"]?.count == 2)
        return household
    }
}
