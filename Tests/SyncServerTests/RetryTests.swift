import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// Retrying a batch is always safe: what is stored is acknowledged again and never applied twice.
@Suite struct RetryTests {
    @Test func theSameBatchThreeTimesIsStoredOnce() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            let household = agent.addHousehold()
            agent.write(.set(["phone": .string("13800000001")]), to: household)
            let resident = agent.addResident(["householdId": .string(household.id)])
            agent.write(.add(field: "tags", element: "livingAlone"), to: resident)
            let request = agent.request(batchId: "evening-1")

            var states: [StoreState] = []
            for attempt in 1...3 {
                let response = try await client.send(request, token: agent.token)
                #expect(response.status == .ok, "attempt \(attempt)")
                let answer = try Wire.decode(SyncResponse.self, from: response)
                #expect(answer.acknowledgedThrough == 4, "attempt \(attempt)")
                #expect(try await fixture.stored(agent).acknowledgedThrough == 4)
                let logged = try await fixture.database.loggedOperations().map(\.dot).filter { $0.replica == agent.id }
                #expect(logged.count == 4)
                for counter in UInt64(1)...4 {
                    #expect(logged.filter { $0.counter == counter }.count == 1)
                }
                states.append(try await fixture.storeState())
            }
            #expect(states[1].records == states[0].records, "record state unchanged by a retry")
            #expect(states[2].records == states[0].records)
            #expect(states[2].operations == states[0].operations)
            #expect(try await fixture.database.storedRecord(household) == agent.replica.records[household])
            #expect(try await fixture.database.storedRecord(resident) == agent.replica.records[resident])
        }
    }

    @Test func aRetryWithNewOperationsAtTheEndStoresOnlyTheNewOnes() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            let household = agent.addHousehold()
            agent.write(.set(["phone": .string("13800000001")]), to: household)
            let first = try await client.send(agent.request(batchId: "b1"), token: agent.token)
            #expect(try Wire.decode(SyncResponse.self, from: first).acknowledgedThrough == 2)
            // The answer was lost: the outbox still holds 1 and 2, and the worker wrote more.
            agent.write(.set(["note": .string("独居")]), to: household)
            agent.addHousehold(address: "一组2号")
            let answer = try await client.sync(&agent)
            #expect(answer.acknowledgedThrough == 4)
            #expect(try await fixture.database.loggedOperations().filter { $0.dot.replica == agent.id }.count == 4)
            #expect(try await fixture.storedOperations().map(\.dot.counter) == [1, 2, 3, 4])
            #expect(try await fixture.database.storedRecord(household) == agent.replica.records[household])
            #expect(agent.outbox.isEmpty)
        }
    }

    @Test func aRetryRepliesWithTheSamePage() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var author = try await fixture.enroll(grid: "c-1-1-1-1")
            var reader = try await fixture.enroll(grid: "c-1-1-1-1")
            author.addHousehold()
            author.addHousehold()
            try await client.sync(&author)
            reader.addHousehold()
            let request = reader.request(batchId: "lost-answer")
            let first = try Wire.decode(SyncResponse.self, from: try await client.send(request, token: reader.token))
            let second = try Wire.decode(SyncResponse.self, from: try await client.send(request, token: reader.token))
            #expect(first.operations.count == 2)
            #expect(second.acknowledgedThrough == first.acknowledgedThrough)
            #expect(second.operations == first.operations)
            #expect(second.cursor == first.cursor)
        }
    }

    @Test func aRetryOfAnIncidentDoesNotRegisterItTwice() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            let incident = agent.reportIncident()
            let request = agent.request(batchId: "incident")
            for _ in 1...3 {
                #expect(try await client.send(request, token: agent.token).status == .ok)
            }
            let events = try #require(try await fixture.database.storedRecord(incident)).events
            #expect(events.filter { $0.event.action == .register }.count == 1)
            #expect(try await fixture.database.loggedOperations().filter { $0.dot.replica == .server }.count == 1)
            #expect(try await Array(fixture.database.registryCounters().values) == [1])
        }
    }

    @Test func anEmptyBatchIsAnAcknowledgementOfWhatIsStored() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            agent.addHousehold()
            agent.addHousehold()
            try await client.sync(&agent)
            #expect(try await client.sync(&agent).acknowledgedThrough == 2)
        }
    }

    @Test func aRetriedBatchAfterARefusalIsStoredOnceFixed() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            agent.addHousehold()
            let household = agent.addHousehold()
            var request = agent.request(batchId: "same")
            request.protocolVersion = 9
            #expect(try await client.send(request, token: agent.token).status == .badRequest)
            try await client.sync(&agent, batchId: "same")
            #expect(try await fixture.database.loggedOperations().filter { $0.dot.replica == agent.id }.count == 2)
            #expect(try await fixture.database.storedRecord(household) == agent.replica.records[household])
        }
    }
}
