import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// An agent writes and sees only its grid node's subtree; higher levels see everything below them.
@Suite struct ScopeTests {
    @Test func aCreateOutsideTheSubtreeIsOutOfScopeAndStoresNothingOfTheBatch() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var village = try await fixture.enroll(grid: "c-1-2")
            let inScope = village.addHousehold(in: "c-1-2-1-1")
            let outside = village.addHousehold(in: "c-1-1-1-1")
            village.addHousehold(in: "c-1-2-1-1", address: "二组2号")
            let error = try await client.expectRefusal(.outOfScope, .forbidden, for: village, fixture: fixture)
            #expect(error?.dots == [Dot(replica: village.id, counter: 2)])
            #expect(error?.message.contains("c-1-2") == true)
            #expect(
                try await fixture.database.storedRecord(inScope) == nil,
                "the in-scope operation before it is not stored"
            )
            #expect(try await fixture.database.storedRecord(outside) == nil)
            #expect(try await fixture.stored(village).acknowledgedThrough == 0)
            #expect(try await fixture.database.loggedOperations().isEmpty)
        }
    }

    @Test func anEditOfARecordOutsideTheSubtreeIsOutOfScope() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var owner = try await fixture.enroll(grid: "c-1-1-1-1")
            var stranger = try await fixture.enroll(grid: "c-1-2")
            let household = owner.addHousehold()
            try await client.sync(&owner)
            let edit = stranger.write(.set(["note": .string("不是我的户")]), to: household)
            let error = try await client.expectRefusal(.outOfScope, .forbidden, for: stranger, fixture: fixture)
            #expect(error?.dots == [edit.dot])
        }
    }

    @Test func anEventOnAnIncidentOutsideTheSubtreeIsOutOfScope() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var owner = try await fixture.enroll(grid: "c-1-1-1-1")
            var stranger = try await fixture.enroll(grid: "c-1-1-1-2")
            let incident = owner.reportIncident()
            try await client.sync(&owner)
            stranger.write(.event(IncidentEvent(action: .comment, node: "c-1-1-1-2", note: "路过看到")), to: incident)
            try await client.expectRefusal(.outOfScope, .forbidden, for: stranger, fixture: fixture)
        }
    }

    @Test func aSiblingVillageNeverPullsTheOthersRecords() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var first = try await fixture.enroll(grid: "c-1-1-1-1")
            var second = try await fixture.enroll(grid: "c-1-2")
            let household = first.addHousehold()
            first.addResident(["householdId": .string(household.id)])
            let incident = first.reportIncident()
            first.write(.set(["phone": .string("13800000001")]), to: household)
            try await client.sync(&first)
            first.write(.event(IncidentEvent(action: .comment, node: "c-1-1-1-1", note: "已走访")), to: incident)
            try await client.sync(&first)
            let mine = second.addHousehold(in: "c-1-2-1-1")

            try await client.syncFully(&second)
            #expect(Set(second.replica.records.keys) == [mine], "only its own household")
            let snapshot = try await client.snapshotPages(token: second.token).flatMap(\.records)
            #expect(snapshot.map(\.key) == [mine])
        }
    }

    @Test func levelThreeAndLevelFourAgentsBothSeeTheGroupsHouseholds() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var area = try await fixture.enroll(grid: "c-1-1-1")
            var group = try await fixture.enroll(grid: "c-1-1-1-1")
            let byArea = area.addHousehold(in: "c-1-1-1-1")
            let otherGroup = area.addHousehold(in: "c-1-1-1-2")
            let byGroup = group.addHousehold()
            try await client.sync(&area)
            try await client.sync(&group)
            try await client.sync(&area)
            #expect(Set(area.replica.records.keys) == [byArea, otherGroup, byGroup])
            #expect(Set(group.replica.records.keys) == [byArea, byGroup], "the group does not see its sibling group")
            #expect(area.replica.records[byGroup] == group.replica.records[byGroup])
            #expect(area.replica.records[byArea] == group.replica.records[byArea])
        }
    }

    @Test func theTownshipSeesBothVillages() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var first = try await fixture.enroll(grid: "c-1-1-1-1")
            var second = try await fixture.enroll(grid: "c-1-2-1-1")
            var township = try await fixture.enroll(grid: "c-1")
            let written = [first.addHousehold(), first.reportIncident(), second.addHousehold(), second.addResident()]
            try await client.sync(&first)
            try await client.sync(&second)
            try await client.syncFully(&township)
            #expect(Set(township.replica.records.keys) == Set(written))
            let snapshot = try await client.snapshotPages(token: township.token).flatMap(\.records)
            #expect(Set(snapshot.map(\.key)) == Set(written))
            // The township may write in either village.
            township.addHousehold(in: "c-1-2-1-1")
            #expect(try await client.sync(&township).acknowledgedThrough == 1)
        }
    }

    @Test func aCountyAgentSeesEverything() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var first = try await fixture.enroll(grid: "c-1-1-1-2")
            var second = try await fixture.enroll(grid: "c-1-2-1-1")
            var county = try await fixture.enroll(grid: "c")
            let written = [
                first.addHousehold(), first.reportIncident(), second.addHousehold(), second.reportIncident(),
            ]
            try await client.sync(&first)
            try await client.sync(&second)
            try await client.syncFully(&county)
            #expect(Set(county.replica.records.keys) == Set(written))
            for record in county.replica.canonicalRecords {
                #expect(try await fixture.database.storedRecord(record.key) == record, "with the registrations")
            }
            #expect(
                try await fixture.database.loggedOperations().filter { $0.dot.replica != county.id }.count == 6,
                "4 creates and 2 registrations"
            )
            let pages = try await client.snapshotPages(token: county.token)
            #expect(Set(pages.flatMap(\.records).map(\.key)) == Set(written))
        }
    }

    @Test func aGroupAgentDoesNotPullTheVillagesOtherGroup() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var village = try await fixture.enroll(grid: "c-1-1")
            var group = try await fixture.enroll(grid: "c-1-1-1-1")
            village.addHousehold(in: "c-1-1-1-2")
            try await client.sync(&village)
            let answer = try await client.sync(&group)
            #expect(answer.operations.isEmpty)
            #expect(answer.cursor == 1, "the cursor still moves past what it may not see")
        }
    }

    @Test func stepsTakenAboveFlowDownToTheReportingGroup() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var reporter = try await fixture.enroll(grid: "c-1-1-1-1")
            var township = try await fixture.enroll(grid: "c-1")
            let incident = reporter.reportIncident()
            try await client.sync(&reporter)
            try await client.sync(&township)
            let escalation = township.write(
                .event(IncidentEvent(action: .yellowCard, node: "c-1", note: "请加快办理")),
                to: incident
            )
            try await client.sync(&township)
            let answer = try await client.sync(&reporter)
            #expect(answer.operations.map(\.dot) == [escalation.dot])
            #expect(reporter.replica.records[incident] == township.replica.records[incident])
        }
    }

    @Test func aHouseholdMovedToASiblingGroupReachesTheNewGroup() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var village = try await fixture.enroll(grid: "c-1-1")
            var oldGroup = try await fixture.enroll(grid: "c-1-1-1-1")
            var newGroup = try await fixture.enroll(grid: "c-1-1-1-2")
            let household = oldGroup.addHousehold()
            try await client.sync(&oldGroup)
            try await client.sync(&village)
            village.write(.set(["gridId": .string("c-1-1-1-2")]), to: household)
            try await client.sync(&village)

            // The new group never had the household's history, so its next sync asks for a snapshot.
            let refusal = await #expect(throws: ExchangeFailure.self) { try await client.sync(&newGroup) }
            #expect(refusal?.body.code == .resyncRequired)
            #expect(refusal?.body.message.contains("moved into grid c-1-1-1-2") == true)
            let snapshot = try await client.snapshotPages(token: newGroup.token).flatMap(\.records)
            #expect(snapshot.map(\.key) == [household], "the new group's snapshot holds the household")
            #expect(snapshot.first?.visibleValue(of: "gridId") == .string("c-1-1-1-2"))
            try await client.syncFully(&newGroup)
            // The old group sees the household leave: the move itself is filed under the old grid.
            try await client.syncFully(&oldGroup)
            #expect(oldGroup.replica.records[household]?.visibleValue(of: "gridId") == .string("c-1-1-1-2"))
            let stored = try await fixture.database.storedRecords().filter {
                $0.gridId == "c-1-1-1-2" && $0.ancestors[3] == "c-1-1-1-2"
            }
            #expect(stored.count == 1, "the record's scope follows its grid")
        }
    }

    @Test func aDepartmentSeesAndActsOnAnIncidentDispatchedToIt() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var reporter = try await fixture.enroll(grid: "c-1-1-1-1")
            var township = try await fixture.enroll(grid: "c-1")
            var department = try await fixture.enroll(grid: "c-dept")
            let incident = reporter.reportIncident()
            try await client.sync(&reporter)
            try await client.sync(&township)
            township.write(
                .event(IncidentEvent(action: .dispatch, node: "c-1", target: "c-dept", note: "请部门核实")),
                to: incident
            )
            try await client.sync(&township)

            // protocol/README.md: an agent's scope is its subtree plus the incidents assigned to its
            // node. The dispatch assigned the incident to the department, whose agent now takes a
            // snapshot to receive the incident's history.
            let refusal = await #expect(throws: ExchangeFailure.self) { try await client.sync(&department) }
            #expect(refusal?.body.code == .resyncRequired)
            let pages = try await client.snapshotPages(token: department.token)
            let records = pages.flatMap(\.records)
            #expect(records.map(\.key) == [incident], "the department's snapshot holds the incident and nothing else")
            let state = try #require(records.first)
            #expect(IncidentState(record: state)?.responsibleNode == "c-dept")

            // The department signs for it, from the snapshot's state, its clock past what it saw.
            var clock = HybridLogicalClock()
            clock.advance(past: state.latestHLC)
            let sign = SyncOperation(
                dot: Dot(replica: department.id, counter: 1),
                context: state.clock,
                hlc: clock.tick(now: fixture.clock.now),
                type: .incident,
                id: incident.id,
                payload: .event(IncidentEvent(action: .sign, node: "c-dept"))
            )
            let response = try await client.send(
                SyncRequest(batchId: "department", cursor: pages[0].cursor, operations: [sign]),
                token: department.token
            )
            #expect(response.status == .ok, "the department may act on an incident assigned to it")

            // The sign reaches the township, and the department hears nothing else of the county.
            try await client.syncFully(&township)
            #expect(IncidentState(record: township.replica.records[incident]!)?.status == .inHandling)
            _ = reporter.addHousehold()
            try await client.sync(&reporter)
            department.cursor = pages[0].cursor
            try await client.syncFully(&department)
            #expect(department.replica.records.isEmpty, "a household of the village never reaches the department")

            // Later steps on the incident, taken in the village, do reach it by pull.
            let comment = township.write(
                .event(IncidentEvent(action: .comment, node: "c-1", note: "请三日内反馈")),
                to: incident
            )
            try await client.sync(&township)
            let pulled = try await client.sync(&department)
            #expect(pulled.operations == [comment], "the department pulls the township's later step, and only that")
        }
    }

    /// A dispatch the lifecycle refuses (the village closed the incident first) sends it nowhere.
    @Test func aRefusedDispatchAssignsNothing() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var reporter = try await fixture.enroll(grid: "c-1-1-1-1")
            var township = try await fixture.enroll(grid: "c-1")
            let incident = reporter.reportIncident()
            try await client.sync(&reporter)
            try await client.sync(&township)
            reporter.write(.event(IncidentEvent(action: .selfClose, node: "c-1-1-1-1")), to: incident)
            try await client.sync(&reporter)
            fixture.clock.advance(by: 1_000)
            township.write(
                .event(IncidentEvent(action: .dispatch, node: "c-1", target: "c-dept", note: "请部门核实")),
                to: incident
            )
            try await client.sync(&township)
            #expect(try await fixture.database.assignments().isEmpty, "the closed incident goes nowhere")
        }
    }
}
