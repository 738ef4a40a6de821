import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// The server registers (挂号) each new incident when it first stores it: `FM-YYYYMMDD-NNNNNN`.
@Suite struct IncidentRegistrationTests {
    /// The registry numbers of the register events of `record` in `replica`.
    static func registryNumbers(of record: RecordKey, in agent: TestAgent) -> [String] {
        (agent.replica.records[record]?.events ?? []).filter { $0.event.action == .register }.compactMap(
            \.event.registryNumber
        )
    }

    @Test func aNewIncidentGetsARegistryNumberOnItsFirstSync() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var reporter = try await fixture.enroll(grid: "c-1-1-1-1")
            let incident = reporter.reportIncident()
            let answer = try await client.sync(&reporter)
            let register = try #require(answer.operations.first)
            #expect(answer.operations.count == 1)
            #expect(register.dot == Dot(replica: .server, counter: 1), "authored by the server, replica 0")
            #expect(register.record == incident)
            #expect(
                register.payload
                    == .event(IncidentEvent(action: .register, registryNumber: "FM-20261129-000001", days: 3)),
                "registered with the group's allowance of 3 working days"
            )
            #expect(
                Self.registryNumbers(of: incident, in: reporter) == ["FM-20261129-000001"],
                "the reporter pulls the register event"
            )
            #expect(reporter.replica.records[incident] == (try await fixture.database.storedRecord(incident)))
        }
    }

    @Test func theRegistrationFollowsTheReportInHLCOrder() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var reporter = try await fixture.enroll(grid: "c-1-1-1-1")
            let incident = reporter.reportIncident()
            let report = try #require(reporter.outbox.first)
            let register = try #require(try await client.sync(&reporter).operations.first)
            #expect(register.hlc > report.hlc)
            #expect(register.context == VersionVector([reporter.id: 1]), "the server saw the report")
            #expect(reporter.replica.records[incident]?.clock == VersionVector([reporter.id: 1, .server: 1]))
        }
    }

    @Test func numbersIncreaseWithinADayAndRestartTheNextDay() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var first = try await fixture.enroll(grid: "c-1-1-1-1")
            var second = try await fixture.enroll(grid: "c-1-2-1-1")
            let a = first.reportIncident()
            let b = first.reportIncident(summary: "路灯损坏")
            try await client.sync(&first)
            let c = second.reportIncident()
            try await client.sync(&second)
            fixture.clock.advance(by: 86_400_000)
            let d = second.reportIncident(summary: "垃圾堆放")
            try await client.sync(&second)

            #expect(Self.registryNumbers(of: a, in: first) == ["FM-20261129-000001"])
            #expect(Self.registryNumbers(of: b, in: first) == ["FM-20261129-000002"])
            #expect(
                Self.registryNumbers(of: c, in: second) == ["FM-20261129-000003"],
                "one sequence for the whole county"
            )
            #expect(Self.registryNumbers(of: d, in: second) == ["FM-20261130-000001"])
        }
    }

    @Test func theCountyDateDecidesTheDayNotUTC() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var reporter = try await fixture.enroll(grid: "c-1-1-1-1")
            let midnight = CountyTime.startOfDay(CountyTime.date(atMilliseconds: fixture.clock.now)) + 86_400_000
            fixture.clock.advance(by: midnight - 60_000 - fixture.clock.now)  // 23:59 in the county, 15:59 UTC
            let late = reporter.reportIncident()
            try await client.sync(&reporter)
            fixture.clock.advance(by: 120_000)  // 00:01 the next county day, still the same UTC day
            let early = reporter.reportIncident()
            try await client.sync(&reporter)
            #expect(Self.registryNumbers(of: late, in: reporter) == ["FM-20261129-000001"])
            #expect(Self.registryNumbers(of: early, in: reporter) == ["FM-20261130-000001"])
        }
    }

    @Test func theRegistryPrefixComesFromTheSettings() async throws {
        let fixture = try await ServerFixture { $0.registryPrefix = "KZ" }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var reporter = try await fixture.enroll(grid: "c-1-1-1-1")
            let incident = reporter.reportIncident()
            try await client.sync(&reporter)
            #expect(Self.registryNumbers(of: incident, in: reporter) == ["KZ-20261129-000001"])
        }
    }

    @Test func resendingTheIncidentDoesNotRegisterItTwice() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var reporter = try await fixture.enroll(grid: "c-1-1-1-1")
            let incident = reporter.reportIncident()
            let request = reporter.request(batchId: "report")
            for _ in 1...3 { #expect(try await client.send(request, token: reporter.token).status == .ok) }
            reporter.write(.event(IncidentEvent(action: .comment, node: "c-1-1-1-1", note: "已电话联系当事人")), to: incident)
            try await client.sync(&reporter)
            let events = try #require(try await fixture.database.storedRecord(incident)).events
            #expect(events.filter { $0.event.action == .register }.count == 1)
            #expect(events.count == 2)
            #expect(Self.registryNumbers(of: incident, in: reporter) == ["FM-20261129-000001"])
        }
    }

    @Test func aReportAndItsFirstStepsInOneBatchRegisterOnce() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var reporter = try await fixture.enroll(grid: "c-1-1-1-1")
            let incident = reporter.reportIncident()
            reporter.write(.event(IncidentEvent(action: .selfClose, node: "c-1-1-1-1", note: "当场调解")), to: incident)
            let answer = try await client.sync(&reporter)
            #expect(answer.acknowledgedThrough == 2)
            #expect(Self.registryNumbers(of: incident, in: reporter).count == 1)
            #expect(reporter.replica.records[incident] == (try await fixture.database.storedRecord(incident)))
        }
    }

    @Test func otherAgentsInScopeReceiveTheReportAndItsRegistration() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var reporter = try await fixture.enroll(grid: "c-1-1-1-1")
            var township = try await fixture.enroll(grid: "c-1")
            let incident = reporter.reportIncident()
            try await client.sync(&reporter)
            let answer = try await client.sync(&township)
            #expect(
                answer.operations.map(\.dot) == [
                    Dot(replica: reporter.id, counter: 1), Dot(replica: .server, counter: 1),
                ]
            )
            #expect(township.replica.records[incident] == reporter.replica.records[incident])
        }
    }

    @Test func aHouseholdOrWorkLogIsNeverRegistered() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            agent.addHousehold()
            agent.write(
                .log(["gridId": .string("c-1-1-1-1"), "date": .string("2026-11-29"), "text": .string("走访5户")]),
                to: RecordKey(type: .workLog, id: RecordID.make(nowMilliseconds: fixture.clock.now))
            )
            let answer = try await client.sync(&agent)
            #expect(answer.acknowledgedThrough == 2)
            #expect(answer.operations.isEmpty)
            #expect(try await fixture.database.registryCounters().isEmpty)
        }
    }
}
