import Testing

@testable import Shared

/// The incident lifecycle table, checked for every status and every action against an
/// independent copy of the specification.
@Suite struct IncidentStateMachineTests {
    /// Where the ordinary actions lead from each status, written out independently of the source.
    static let specification: [IncidentStatus: [IncidentAction: IncidentStatus]] = {
        let handling: [IncidentAction: IncidentStatus] = [
            .dispatch: .dispatched, .sign: .inHandling, .handle: .inHandling, .selfClose: .closed,
            .escalate: .escalated, .feedback: .feedback,
        ]
        var registered = handling
        registered[.cancel] = .cancelled
        return [
            .reported: [.selfClose: .closed, .cancel: .cancelled, .escalate: .escalated],
            .registered: registered,
            .reopened: handling,
            .escalated: handling,
            .dispatched: [
                .sign: .inHandling, .requestReturn: .returnRequested, .escalate: .escalated, .dispatch: .dispatched,
            ],
            .inHandling: [
                .handle: .inHandling, .requestExtension: .extensionRequested, .requestReturn: .returnRequested,
                .feedback: .feedback, .escalate: .escalated, .dispatch: .dispatched,
            ],
            .extensionRequested: [
                .approveExtension: .inHandling, .rejectExtension: .inHandling, .escalate: .escalated,
                .feedback: .feedback,
            ],
            .returnRequested: [.rejectReturn: .inHandling, .dispatch: .dispatched, .escalate: .escalated],
            .feedback: [.verify: .verifying, .verifyFail: .inHandling, .close: .closed],
            .verifying: [.verifyFail: .inHandling, .close: .closed],
            .closed: [.reopen: .reopened],
            .cancelled: [.reopen: .reopened],
        ]
    }()

    /// The expected result: comment, register and cards follow their own rules; the rest the table.
    static func expected(after action: IncidentAction, in status: IncidentStatus) -> IncidentStatus? {
        switch action {
        case .comment: status
        case .register: status == .reported ? .registered : status
        case .yellowCard, .redCard: status == .closed || status == .cancelled ? nil : status
        default: specification[status]?[action]
        }
    }

    @Test(arguments: IncidentStatus.allCases, IncidentAction.allCases)
    func everyTransitionMatchesTheSpecification(status: IncidentStatus, action: IncidentAction) {
        #expect(
            IncidentStateMachine.next(after: action, in: status) == Self.expected(after: action, in: status),
            "\(action.rawValue) in \(status.rawValue)"
        )
    }

    /// The table above is only complete for the cases it was written against.
    @Test func theSpecificationCoversEveryCase() {
        #expect(IncidentStatus.allCases.count == 12)
        #expect(IncidentAction.allCases.count == 20)
    }

    @Test func commentKeepsEveryStatus() {
        for status in IncidentStatus.allCases {
            #expect(IncidentStateMachine.next(after: .comment, in: status) == status)
        }
    }

    @Test func cardsAreRefusedOnlyOnceTheIncidentIsFinished() {
        for status in IncidentStatus.allCases {
            let expected: IncidentStatus? = status.isOpen ? status : nil
            #expect(IncidentStateMachine.next(after: .yellowCard, in: status) == expected)
            #expect(IncidentStateMachine.next(after: .redCard, in: status) == expected)
        }
    }

    @Test func registerOnlyMovesAFreshReport() {
        #expect(IncidentStateMachine.next(after: .register, in: .reported) == .registered)
        #expect(IncidentStateMachine.next(after: .register, in: .closed) == .closed)
        #expect(IncidentStateMachine.next(after: .register, in: .inHandling) == .inHandling)
    }

    @Test func cancelIsOnlyForFreshOrRegisteredIncidents() {
        let allowed = IncidentStatus.allCases.filter { IncidentStateMachine.next(after: .cancel, in: $0) != nil }
        #expect(Set(allowed) == [.reported, .registered])
    }

    @Test func onlyClosedAndCancelledIncidentsReopen() {
        let allowed = IncidentStatus.allCases.filter { IncidentStateMachine.next(after: .reopen, in: $0) != nil }
        #expect(Set(allowed) == [.closed, .cancelled])
    }

    @Test func openness() {
        #expect(!IncidentStatus.closed.isOpen)
        #expect(!IncidentStatus.cancelled.isOpen)
        #expect(IncidentStatus.allCases.filter(\.isOpen).count == 10)
    }
}

/// The incident state: the fold of its events in (HLC, replica, counter) order through the machine.
@Suite struct IncidentStateTests {
    static let origin = "t01-v01-c1-g1"
    static let server = ReplicaID.server
    static let agent = ReplicaID(7)

    /// An event authored by `replica` at wall time `millisecond` with that replica's `counter`.
    static func entry(
        _ action: IncidentAction,
        at millisecond: UInt64,
        by replica: ReplicaID = agent,
        counter: UInt64? = nil,
        target: String? = nil,
        note: String? = nil,
        satisfaction: IncidentEvent.Satisfaction? = nil,
        registryNumber: String? = nil,
        days: Int? = nil
    ) -> EventEntry {
        EventEntry(
            dot: Dot(replica: replica, counter: counter ?? millisecond),
            hlc: HLCTimestamp(wallMilliseconds: millisecond),
            event: IncidentEvent(
                action: action,
                node: origin,
                target: target,
                note: note,
                satisfaction: satisfaction,
                registryNumber: registryNumber,
                days: days
            )
        )
    }

    static let lifecycle: [EventEntry] = [
        entry(.register, at: 1, by: server, registryNumber: "FM-2026-000123"),
        entry(.dispatch, at: 2, by: server, target: "dept-env"),
        entry(.sign, at: 3),
        entry(.requestExtension, at: 4, note: "Waiting for the contractor."),
        entry(.approveExtension, at: 5, by: server, days: 2),
        entry(.feedback, at: 6, note: "Drain cleared."),
        entry(.verify, at: 7),
        entry(.close, at: 8, satisfaction: .satisfied),
    ]

    @Test func aNewReportStartsReportedAtItsOrigin() {
        let state = IncidentState(originNode: Self.origin, events: [])
        #expect(state.status == .reported)
        #expect(state.responsibleNode == Self.origin)
        #expect(state.registryNumber == nil)
        #expect(state.history.isEmpty)
    }

    @Test func aFullLifecycle() {
        let state = IncidentState(originNode: Self.origin, events: Self.lifecycle)
        #expect(state.status == .closed)
        #expect(state.registryNumber == "FM-2026-000123")
        #expect(state.registeredAt == HLCTimestamp(wallMilliseconds: 1))
        #expect(state.responsibleNode == "dept-env")
        #expect(state.responsibleSince == HLCTimestamp(wallMilliseconds: 2))
        #expect(state.extensionDays == 2)
        #expect(state.satisfaction == .satisfied)
        #expect(state.cards.isEmpty)
        #expect(state.history.map(\.accepted) == Array(repeating: true, count: 8))
        #expect(
            state.history.map(\.to) == [
                .registered, .dispatched, .inHandling, .extensionRequested, .inHandling, .feedback, .verifying,
                .closed,
            ]
        )
        #expect(
            state.history.map(\.from) == [
                .reported, .registered, .dispatched, .inHandling, .extensionRequested, .inHandling, .feedback,
                .verifying,
            ]
        )
    }

    @Test func stepsPartWayThroughTheLifecycle() {
        let state = IncidentState(originNode: Self.origin, events: Array(Self.lifecycle.prefix(3)))
        #expect(state.status == .inHandling)
        #expect(state.responsibleNode == "dept-env")
        #expect(state.extensionDays == 0)
        #expect(state.satisfaction == nil)
    }

    @Test func aRejectedStepIsKeptInTheHistory() throws {
        let close = Self.entry(.close, at: 3, satisfaction: .satisfied)
        let state = IncidentState(
            originNode: Self.origin,
            events: [
                Self.entry(.register, at: 1, by: Self.server, registryNumber: "FM-1"), Self.entry(.sign, at: 2), close,
            ]
        )
        #expect(state.status == .inHandling)
        #expect(state.satisfaction == nil)
        #expect(state.history.count == 3)
        let rejected = try #require(state.history.last)
        #expect(rejected.entry == close)
        #expect(!rejected.accepted)
        #expect(rejected.from == .inHandling)
        #expect(rejected.to == .inHandling)
    }

    @Test func eventsFoldInClockOrderWhateverTheInputOrder() {
        let inOrder = IncidentState(originNode: Self.origin, events: Self.lifecycle)
        let reversed = IncidentState(originNode: Self.origin, events: Self.lifecycle.reversed())
        var generator = SystemRandomNumberGenerator()
        let shuffled = IncidentState(originNode: Self.origin, events: Self.lifecycle.shuffled(using: &generator))
        #expect(reversed == inOrder)
        #expect(shuffled == inOrder)
        #expect(inOrder.history.map(\.entry) == Self.lifecycle)
    }

    /// Same HLC: the lower replica id folds first; the other's step meets a closed incident.
    @Test func equalClocksFoldByReplicaThenCounter() {
        let selfClose = Self.entry(.selfClose, at: 5, by: ReplicaID(3), counter: 1)
        let escalate = Self.entry(.escalate, at: 5, by: ReplicaID(4), counter: 1, target: "t01")
        for events in [[selfClose, escalate], [escalate, selfClose]] {
            let state = IncidentState(originNode: Self.origin, events: events)
            #expect(state.status == .closed)
            #expect(state.history.map(\.entry) == [selfClose, escalate])
            #expect(state.history.map(\.accepted) == [true, false])
            #expect(state.responsibleNode == Self.origin)
        }
        let first = Self.entry(.selfClose, at: 5, by: ReplicaID(3), counter: 1)
        let second = Self.entry(.reopen, at: 5, by: ReplicaID(3), counter: 2)
        let state = IncidentState(originNode: Self.origin, events: [second, first])
        #expect(state.status == .reopened)
        #expect(state.history.map(\.entry) == [first, second])
    }

    @Test func registerAfterSelfCloseKeepsItClosedButRecordsTheNumber() throws {
        let state = IncidentState(
            originNode: Self.origin,
            events: [
                Self.entry(.selfClose, at: 1), Self.entry(.register, at: 2, by: Self.server, registryNumber: "FM-9"),
            ]
        )
        #expect(state.status == .closed)
        #expect(state.registryNumber == "FM-9")
        #expect(state.registeredAt == HLCTimestamp(wallMilliseconds: 2))
        let step = try #require(state.history.last)
        #expect(step.accepted)
        #expect(step.from == .closed && step.to == .closed)
    }

    @Test func aSecondRegisterKeepsTheFirstNumber() {
        let state = IncidentState(
            originNode: Self.origin,
            events: [
                Self.entry(.register, at: 1, by: Self.server, registryNumber: "FM-1"),
                Self.entry(.register, at: 2, by: Self.server, registryNumber: "FM-2"),
            ]
        )
        #expect(state.registryNumber == "FM-1")
        #expect(state.registeredAt == HLCTimestamp(wallMilliseconds: 1))
    }

    @Test func cardsAreRecordedInOrder() {
        let state = IncidentState(
            originNode: Self.origin,
            events: [
                Self.entry(.register, at: 1, by: Self.server, registryNumber: "FM-1"),
                Self.entry(.dispatch, at: 2, by: Self.server, target: "t01"),
                Self.entry(.yellowCard, at: 3, by: Self.server),
                Self.entry(.redCard, at: 4, by: Self.server),
            ]
        )
        #expect(state.status == .dispatched)
        #expect(state.cards == [.yellowCard, .redCard])
    }

    @Test func aCardOnAClosedIncidentIsRejectedAndNotRecorded() throws {
        let state = IncidentState(
            originNode: Self.origin,
            events: [Self.entry(.selfClose, at: 1), Self.entry(.redCard, at: 2, by: Self.server)]
        )
        #expect(state.cards.isEmpty)
        #expect(try #require(state.history.last).accepted == false)
    }

    @Test func escalationMovesResponsibilityAndResetsExtensions() {
        let events = Array(Self.lifecycle.prefix(5)) + [Self.entry(.escalate, at: 6, by: Self.server, target: "t01")]
        let state = IncidentState(originNode: Self.origin, events: events)
        #expect(state.status == .escalated)
        #expect(state.responsibleNode == "t01")
        #expect(state.responsibleSince == HLCTimestamp(wallMilliseconds: 6))
        #expect(state.extensionDays == 0)
    }

    @Test func commentsChangeNothingButAreKept() {
        let events = Array(Self.lifecycle.prefix(3)) + [Self.entry(.comment, at: 4, note: "Called the owner.")]
        let state = IncidentState(originNode: Self.origin, events: events)
        #expect(state.status == .inHandling)
        #expect(state.history.count == 4)
        #expect(state.history.last?.accepted == true)
    }
}
