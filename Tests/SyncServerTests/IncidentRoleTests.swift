import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// The role table of protocol/README.md, enforced by the server: every step, taken by every kind
/// of node, on an incident reported in group c-1-1-1-1 and held, after a dispatch, by the area
/// c-1-1-1 above it.
///
/// The expected answers are written out here, apart from `IncidentRoles`, so the two are checked
/// against each other.
@Suite struct IncidentRoleTests {
    /// The nodes that act, by kind: the holder, the village and township above it, the grid
    /// that reported the incident (below the holder), the county, a department it was never sent
    /// to, and a sibling village.
    static let actors: [(kind: String, grid: String)] = [
        ("holder", "c-1-1-1"), ("village above", "c-1-1"), ("township above", "c-1"), ("origin below", "c-1-1-1-1"),
        ("county", "c"), ("department", "c-dept"), ("sibling village", "c-1-2"),
    ]

    enum Outcome: Equatable { case stored, notPermitted, outOfScope }

    static let holderOnly: [Outcome] = [
        .stored, .notPermitted, .notPermitted, .notPermitted, .notPermitted, .outOfScope, .outOfScope,
    ]
    static let aboveOnly: [Outcome] = [
        .notPermitted, .stored, .stored, .notPermitted, .stored, .outOfScope, .outOfScope,
    ]
    static let holderOrAbove: [Outcome] = [.stored, .stored, .stored, .notPermitted, .stored, .outOfScope, .outOfScope]
    static let originOrAbove: [Outcome] = [.stored, .stored, .stored, .stored, .stored, .outOfScope, .outOfScope]
    static let anyone: [Outcome] = [.stored, .stored, .stored, .stored, .stored, .outOfScope, .outOfScope]

    /// Each step with the answers for the actors in ``actors`` order.
    static let table: [(event: IncidentEvent, outcomes: [Outcome])] = [
        (IncidentEvent(action: .selfClose), holderOnly),
        (IncidentEvent(action: .sign), holderOnly),
        (IncidentEvent(action: .handle, note: "已联系"), holderOnly),
        (IncidentEvent(action: .requestExtension, note: "需协调", days: 2), holderOnly),
        (IncidentEvent(action: .requestReturn, note: "超出职能"), holderOnly),
        (IncidentEvent(action: .feedback, note: "已处理"), holderOnly),
        (IncidentEvent(action: .escalate, target: "c-1", note: "需乡镇处理"), holderOnly),
        (IncidentEvent(action: .approveExtension, days: 2), aboveOnly),
        (IncidentEvent(action: .rejectExtension, note: "按期办结"), aboveOnly),
        (IncidentEvent(action: .rejectReturn, note: "属本级职责"), aboveOnly),
        (IncidentEvent(action: .yellowCard, note: "督办"), aboveOnly),
        (IncidentEvent(action: .redCard, note: "督办"), aboveOnly),
        (IncidentEvent(action: .dispatch, target: "c-1-1-1-1", note: "请小组处理", days: 3), holderOrAbove),
        (IncidentEvent(action: .cancel, note: "重复上报"), holderOrAbove),
        (IncidentEvent(action: .verify), originOrAbove),
        (IncidentEvent(action: .verifyFail, note: "未解决"), originOrAbove),
        (IncidentEvent(action: .close, satisfaction: .satisfied), originOrAbove),
        (IncidentEvent(action: .reopen, note: "群众再次反映"), originOrAbove),
        (IncidentEvent(action: .comment, note: "备注"), anyone),
    ]

    /// An incident reported in c-1-1-1-1, dispatched by the township to c-1-1-1, signed there,
    /// with every actor's replica holding all of it.
    struct Scene {
        let fixture: ServerFixture
        var agents: [TestAgent]
        var reporter: TestAgent

        init(_ fixture: ServerFixture) async throws {
            self.fixture = fixture
            reporter = try await fixture.enroll(grid: "c-1-1-1-1")
            agents = []
            for actor in IncidentRoleTests.actors { agents.append(try await fixture.enroll(grid: actor.grid)) }
        }

        mutating func heldIncident(_ client: some TestClientProtocol) async throws -> RecordKey {
            let incident = reporter.reportIncident()
            try await client.sync(&reporter)
            let township = 2
            let holder = 0
            try await client.syncFully(&agents[township])
            agents[township].write(
                .event(IncidentEvent(action: .dispatch, node: "c-1", target: "c-1-1-1", note: "请片区处理", days: 3)),
                to: incident
            )
            try await client.sync(&agents[township])
            try await client.syncFully(&agents[holder])
            agents[holder].write(.event(IncidentEvent(action: .sign, node: "c-1-1-1")), to: incident)
            try await client.sync(&agents[holder])
            for index in agents.indices { try await client.syncFully(&agents[index]) }
            return incident
        }

        /// Sends `event` as actor `index` and says how the server answered; a stored step is kept
        /// in that actor's replica, a refused one is forgotten with its dot.
        mutating func attempt(
            _ event: IncidentEvent,
            as index: Int,
            on incident: RecordKey,
            _ client: some TestClientProtocol
        ) async throws -> Outcome {
            var attempt = agents[index]
            var step = event
            step.node = attempt.grid
            attempt.write(.event(step), to: incident)
            let before = try await fixture.storeState()
            do {
                try await client.sync(&attempt)
                agents[index] = attempt
                return .stored
            } catch let failure as ExchangeFailure {
                #expect(failure.status == .forbidden)
                #expect(try await fixture.storeState() == before, "a refused step writes nothing")
                switch failure.body.code {
                case .notPermitted: return .notPermitted
                case .outOfScope: return .outOfScope
                default:
                    Issue.record("unexpected refusal \(failure.body.code): \(failure.body.message)")
                    return .outOfScope
                }
            }
        }
    }

    @Test func everyStepByEveryKindOfNodeIsAllowedOrRefusedAsTheTableSays() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var scene = try await Scene(fixture)
            for (event, expected) in Self.table {
                let incident = try await scene.heldIncident(client)
                for (index, actor) in Self.actors.enumerated() {
                    fixture.clock.advance(by: 1_000)
                    let outcome = try await scene.attempt(event, as: index, on: incident, client)
                    #expect(outcome == expected[index], "\(event.action.rawValue) by the \(actor.kind) \(actor.grid)")
                }
            }
        }
    }

    /// Dispatch goes down the actor's subtree, to a department, or anywhere from the county, and
    /// never to the actor itself (a fresh allowance for oneself); escalation goes up.
    @Test func dispatchAndEscalationTargetsFollowTheTree() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var scene = try await Scene(fixture)
            let holder = 0
            let village = 1
            let county = 4
            let cases: [(IncidentEvent, Int, Outcome, String)] = [
                (
                    IncidentEvent(action: .dispatch, target: "c-1-1-1", note: "再派", days: 3), holder, .notPermitted,
                    "to itself"
                ),
                (
                    IncidentEvent(action: .dispatch, target: "c-1-1-1-2", note: "派组", days: 3), holder, .stored,
                    "down its subtree"
                ),
                (
                    IncidentEvent(action: .dispatch, target: "c-1-2-1-1", note: "派邻村", days: 3), village, .notPermitted,
                    "to another village"
                ),
                (
                    IncidentEvent(action: .dispatch, target: "c-1-2-1-1", note: "县派", days: 3), county, .stored,
                    "anywhere from the county"
                ),
                (
                    IncidentEvent(action: .escalate, target: "c-1-1-1-1", note: "下报"), holder, .notPermitted,
                    "escalating down"
                ),
                (
                    IncidentEvent(action: .escalate, target: "c", note: "上报县"), holder, .stored,
                    "escalating to the county"
                ),
            ]
            for (event, actor, expected, what) in cases {
                let incident = try await scene.heldIncident(client)
                fixture.clock.advance(by: 1_000)
                #expect(try await scene.attempt(event, as: actor, on: incident, client) == expected, "\(what)")
            }
        }
    }

    /// A department holds what was sent to it: it signs and feeds back, asks the county, and may
    /// not approve its own extension; once the county takes the incident back, the department's
    /// assignment ends, and its steps after it learned so are out of scope.
    @Test func aDepartmentActsAsHolderUntilTheIncidentLeavesIt() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var scene = try await Scene(fixture)
            let holder = 0
            let county = 4
            let department = 5
            let incident = try await scene.heldIncident(client)
            #expect(
                try await scene.attempt(
                    IncidentEvent(action: .dispatch, target: "c-dept", note: "请部门", days: 5),
                    as: holder,
                    on: incident,
                    client
                )
                    == .stored
            )
            #expect(try await fixture.database.assignments().filter { $0.node == "c-dept" }.count == 1)
            _ = try? await client.sync(&scene.agents[department])  // 409: the assignment asks for a snapshot
            let pages = try await client.snapshotPages(token: scene.agents[department].token)
            for record in pages.flatMap(\.records) { scene.agents[department].replica.install(record) }
            scene.agents[department].cursor = pages[0].cursor
            fixture.clock.advance(by: 1_000)
            #expect(
                try await scene.attempt(IncidentEvent(action: .sign), as: department, on: incident, client) == .stored
            )
            #expect(
                try await scene.attempt(
                    IncidentEvent(action: .requestExtension, note: "需调查", days: 3),
                    as: department,
                    on: incident,
                    client
                )
                    == .stored
            )
            #expect(
                try await scene.attempt(
                    IncidentEvent(action: .approveExtension, days: 3),
                    as: department,
                    on: incident,
                    client
                )
                    == .notPermitted,
                "a holder never approves its own extension"
            )
            try await client.syncFully(&scene.agents[county])
            #expect(
                try await scene.attempt(
                    IncidentEvent(action: .rejectExtension, note: "先收回"),
                    as: county,
                    on: incident,
                    client
                )
                    == .stored
            )
            #expect(
                try await scene.attempt(
                    IncidentEvent(action: .dispatch, target: "c-1-1", note: "县里收回", days: 3),
                    as: county,
                    on: incident,
                    client
                )
                    == .stored
            )
            #expect(
                try await fixture.database.assignments().filter { $0.node == "c-dept" }.isEmpty,
                "the assignment ended"
            )
            // A step the department took before it heard the county took the incident back is
            // concurrent with that, and kept; once it has pulled the dispatch (the last operation
            // filed for it), the incident is out of its scope.
            #expect(
                try await scene.attempt(
                    IncidentEvent(action: .comment, note: "已联系农户"),
                    as: department,
                    on: incident,
                    client
                )
                    == .stored
            )
            let held = try #require(scene.agents[department].replica.records[incident])
            #expect(IncidentState(record: held)?.responsibleNode == "c-1-1", "the dispatch away reached it")
            #expect(
                try await scene.attempt(
                    IncidentEvent(action: .comment, note: "还在吗"),
                    as: department,
                    on: incident,
                    client
                )
                    == .outOfScope
            )
        }
    }
}
