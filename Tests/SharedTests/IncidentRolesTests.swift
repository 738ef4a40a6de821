import Testing

@testable import Shared

/// The role table as the agent runs it, on the part of the tree each agent holds: its subtree,
/// its ancestors and the county's departments. The answers must be the server's
/// (`SyncServerTests/IncidentRoleTests` checks the same table against the daemon).
@Suite struct IncidentRolesTests {
    static let county: [GridNode] = [
        GridNode(id: "c", parentID: nil, level: .county, name: "县", kind: .rural),
        GridNode(id: "c-dept", parentID: "c", level: .township, name: "部门", kind: .department),
        GridNode(id: "c-1", parentID: "c", level: .township, name: "乡", kind: .rural),
        GridNode(id: "c-1-1", parentID: "c-1", level: .village, name: "一村", kind: .rural),
        GridNode(id: "c-1-1-1", parentID: "c-1-1", level: .committee, name: "一片", kind: .rural),
        GridNode(id: "c-1-1-1-1", parentID: "c-1-1-1", level: .group, name: "一组", kind: .rural),
        GridNode(id: "c-1-1-1-2", parentID: "c-1-1-1", level: .group, name: "二组", kind: .rural),
        GridNode(id: "c-1-2", parentID: "c-1", level: .village, name: "二村", kind: .rural),
        GridNode(id: "c-1-2-1", parentID: "c-1-2", level: .committee, name: "二村一片", kind: .rural),
        GridNode(id: "c-1-2-1-1", parentID: "c-1-2-1", level: .group, name: "二村一组", kind: .rural),
    ]

    /// The tree an agent enrolled at `grid` receives in its snapshot.
    static func tree(seenFrom grid: String) throws -> GridTree {
        let whole = try GridTree(county)
        var keep = Set(whole.subtree(of: grid))
        var parent = whole[grid]?.parentID
        while let id = parent {
            keep.insert(id)
            parent = whole[id]?.parentID
        }
        keep.formUnion(county.filter { $0.kind == .department }.map(\.id))
        return try GridTree(county.filter { keep.contains($0.id) })
    }

    /// Reported in c-1-1-1-1, dispatched by the township to c-1-1-1, signed there.
    static let incident = IncidentState(
        originNode: "c-1-1-1-1",
        events: [
            EventEntry(
                dot: Dot(replica: .server, counter: 1),
                hlc: HLCTimestamp(wallMilliseconds: 1),
                event: IncidentEvent(action: .register, registryNumber: "FM-1", days: 3)
            ),
            EventEntry(
                dot: Dot(replica: ReplicaID(2), counter: 1),
                hlc: HLCTimestamp(wallMilliseconds: 2),
                event: IncidentEvent(action: .dispatch, node: "c-1", target: "c-1-1-1", days: 3)
            ),
            EventEntry(
                dot: Dot(replica: ReplicaID(3), counter: 1),
                hlc: HLCTimestamp(wallMilliseconds: 3),
                event: IncidentEvent(action: .sign, node: "c-1-1-1")
            ),
        ]
    )

    /// Holder, village above, township above, the reporting grid below, the county.
    static let actors = ["c-1-1-1", "c-1-1", "c-1", "c-1-1-1-1", "c"]

    static let expected: [IncidentAction: [Bool]] = [
        .selfClose: [true, false, false, false, false], .sign: [true, false, false, false, false],
        .handle: [true, false, false, false, false], .requestExtension: [true, false, false, false, false],
        .requestReturn: [true, false, false, false, false], .feedback: [true, false, false, false, false],
        .escalate: [true, false, false, false, false],
        .approveExtension: [false, true, true, false, true], .rejectExtension: [false, true, true, false, true],
        .rejectReturn: [false, true, true, false, true], .yellowCard: [false, true, true, false, true],
        .redCard: [false, true, true, false, true],
        .dispatch: [true, true, true, false, true], .cancel: [true, true, true, false, true],
        .verify: [true, true, true, true, true], .verifyFail: [true, true, true, true, true],
        .close: [true, true, true, true, true], .reopen: [true, true, true, true, true],
        .comment: [true, true, true, true, true], .register: [false, false, false, false, false],
    ]

    @Test(arguments: IncidentAction.allCases)
    func eachActorMayTakeExactlyItsSteps(action: IncidentAction) throws {
        let answers = try #require(Self.expected[action])
        let target: String? = action == .dispatch ? "c-1-1-1-1" : action == .escalate ? "c-1" : nil
        for (actor, allowed) in zip(Self.actors, answers) {
            let event = IncidentEvent(action: action, node: actor, target: target)
            let tree = try Self.tree(seenFrom: actor)
            if allowed {
                #expect(throws: Never.self, "\(action) by \(actor)") {
                    try IncidentRoles.check(event, by: actor, on: Self.incident, in: tree)
                }
            } else {
                let error = #expect(throws: ModelError.self, "\(action) by \(actor)") {
                    try IncidentRoles.check(event, by: actor, on: Self.incident, in: tree)
                }
                #expect(error?.code == .notPermitted)
            }
        }
    }

    @Test func aDispatchNeverGoesToTheActorItselfNorSideways() throws {
        let holderTree = try Self.tree(seenFrom: "c-1-1-1")
        for target in ["c-1-1-1", "c-1-2-1-1", "c-1"] {
            let error = #expect(throws: ModelError.self, "to \(target)") {
                try IncidentRoles.check(
                    IncidentEvent(action: .dispatch, node: "c-1-1-1", target: target),
                    by: "c-1-1-1",
                    on: Self.incident,
                    in: holderTree
                )
            }
            #expect(error?.field == "target")
        }
        try IncidentRoles.check(
            IncidentEvent(action: .dispatch, node: "c-1-1-1", target: "c-dept"),
            by: "c-1-1-1",
            on: Self.incident,
            in: holderTree
        )
        try IncidentRoles.check(
            IncidentEvent(action: .dispatch, node: "c", target: "c-1-2-1-1"),
            by: "c",
            on: Self.incident,
            in: try Self.tree(seenFrom: "c")
        )
    }

    /// Judged on what the actor saw: a step the actor had not seen does not change its role.
    @Test func rolesFollowTheIncidentAsTheAuthorSawIt() throws {
        var record = RecordState(type: .incident, id: "0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e71")
        let report = SyncOperation(
            dot: Dot(replica: ReplicaID(1), counter: 1),
            context: VersionVector(),
            hlc: HLCTimestamp(wallMilliseconds: 1),
            type: .incident,
            id: record.id,
            payload: .create(["gridId": .string("c-1-1-1-1"), "category": .string("dispute"), "summary": .string("纠纷")])
        )
        record.apply(report)
        record.apply(
            SyncOperation(
                dot: Dot(replica: .server, counter: 1),
                context: record.clock,
                hlc: HLCTimestamp(wallMilliseconds: 1, logical: 1),
                type: .incident,
                id: record.id,
                payload: .event(IncidentEvent(action: .register, registryNumber: "FM-1", days: 3))
            )
        )
        let seen = record.clock
        let dispatch = SyncOperation(
            dot: Dot(replica: ReplicaID(2), counter: 1),
            context: seen,
            hlc: HLCTimestamp(wallMilliseconds: 2),
            type: .incident,
            id: record.id,
            payload: .event(IncidentEvent(action: .dispatch, node: "c-1", target: "c-1-1-1"))
        )
        record.apply(dispatch)
        #expect(IncidentState(record: record, seenBy: seen)?.responsibleNode == "c-1-1-1-1")
        #expect(IncidentState(record: record, seenBy: record.clock)?.responsibleNode == "c-1-1-1")
    }
}
