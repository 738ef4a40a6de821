import Foundation
import GridSyncTestSupport
import Shared
import Testing

@testable import GridSyncServer

/// The deadline sweep (DESIGN.md §7), called directly at chosen days with the county's 2026
/// calendar (`config/calendar-2026.txt`): 3 working days at village level and below, 5 at a
/// township, a department or the county, counted from the day after the node took the incident on.
/// Overdue at a village-level grid → its township with a yellow card; at a township or department
/// → the county with a red card; at the county → one red card; returned as out of remit → one level
/// up, no card.
@Suite struct EscalationTests {
    // MARK: (i) Working days around National Day

    /// Registered on Friday 2026-09-25 (中秋节, itself a holiday) at a group: Mon 28, Tue 29 and
    /// Wed 30 are its three working days, so it is due 2026-09-30 and overdue from 10-01. At the
    /// township from 10-01 it has five working days, and National Day moves them: 10-02 to 10-07 are
    /// off (holidays and a weekend), then Thu 10-08, Fri 10-09, Saturday 10-10 (调休上班), Mon 10-12
    /// and Tue 10-13. Weekends only, it would have been due 10-08.
    @Test(.timeLimit(.minutes(1)))
    func aVillageIncidentEscalatesAfterThreeWorkingDaysAndTheTownshipsFiveSkipNationalDay() async throws {
        let desk = try await Desk()
        defer { desk.remove() }
        var village = try await desk.fixture.enroll(grid: "c-1-1-1-1")
        let incident = try await desk.report(by: &village, at: Desk.county("2026-09-25", hour: 10))

        var supervised = try await desk.supervised(incident, at: Desk.county("2026-09-29", hour: 12))
        #expect(supervised.status == .registered)
        #expect(supervised.responsibleNode == "c-1-1-1-1")
        #expect(supervised.level == 4)
        #expect(supervised.dueDate == "2026-09-30")
        #expect(supervised.light == .green, "1.5 of 3 working days gone on Tuesday noon")
        #expect(
            try await desk.supervised(incident, at: Desk.county("2026-09-30", hour: 12)).light == .yellow,
            "2.5 of 3 working days gone on Wednesday noon: past 70%"
        )

        #expect(
            try await desk.sweep(asOf: Desk.county("2026-09-30")).isEmpty,
            "not overdue at the start of its last day"
        )
        #expect(
            try await desk.sweep(asOf: Desk.county("2026-10-01") - 1).isEmpty,
            "not overdue a millisecond before midnight"
        )
        let now = Desk.county("2026-10-01", hour: 9)
        let steps = try await desk.sweep(asOf: Desk.county("2026-10-01"), now: now)
        #expect(steps == [EscalationStep(incident: incident.id, from: "c-1-1-1-1", to: "c-1", card: .yellowCard)])

        supervised = try await desk.supervised(incident, at: now)
        #expect(supervised.status == .escalated)
        #expect(supervised.responsibleNode == "c-1")
        #expect(supervised.level == 1)
        #expect(supervised.cards == [.yellowCard])
        #expect(supervised.dueDate == "2026-10-13", "holidays skipped, the make-up Saturday 10-10 counted")
        #expect(supervised.light == .green)

        // The server's events carry the time they were written, not the day swept as at.
        let state = try await desk.state(incident)
        #expect(state.history.map(\.entry.event.action) == [.register, .yellowCard, .escalate])
        #expect(state.history.allSatisfy { $0.accepted })
        #expect(state.history.dropFirst().allSatisfy { $0.entry.dot.replica == .server })
        #expect(state.history.dropFirst().map(\.entry.hlc.wallMilliseconds) == [now, now])
        #expect(state.history.last?.entry.event.target == "c-1")
        #expect(state.history.last?.entry.event.node == "c", "the county office escalates")

        #expect(try await desk.sweep(asOf: Desk.county("2026-10-13")).isEmpty, "the township's last day is 10-13")
        let later = try await desk.sweep(asOf: Desk.county("2026-10-14"), now: Desk.county("2026-10-14", hour: 9))
        #expect(later == [EscalationStep(incident: incident.id, from: "c-1", to: "c", card: .redCard)])
        #expect(try await desk.state(incident).cards == [.yellowCard, .redCard])
    }

    /// Friday 2026-09-18: the make-up Sunday 09-20 is a working day, so the three days are Sun 20,
    /// Mon 21 and Tue 22 (weekends only: Mon 21 to Wed 23). Tuesday 2026-09-29: Wed 09-30, then
    /// National Day, then Thu 10-08 and Fri 10-09 (weekends only: 09-30, 10-01, 10-02).
    @Test(.timeLimit(.minutes(1)))
    func aMakeUpSundayCountsAndTheHolidayWeekDoesNot() async throws {
        let desk = try await Desk()
        defer { desk.remove() }
        var village = try await desk.fixture.enroll(grid: "c-1-1-1-1")
        let early = try await desk.report(by: &village, at: Desk.county("2026-09-18", hour: 15))
        #expect(try await desk.supervised(early, at: Desk.county("2026-09-18", hour: 16)).dueDate == "2026-09-22")
        #expect(try await desk.sweep(asOf: Desk.county("2026-09-22")).isEmpty)
        #expect(
            try await desk.sweep(asOf: Desk.county("2026-09-23"), now: Desk.county("2026-09-23", hour: 8)).map(
                \.incident
            )
                == [early.id]
        )

        var other = try await desk.fixture.enroll(grid: "c-1-2-1-1")
        let late = try await desk.report(by: &other, at: Desk.county("2026-09-29", hour: 11))
        #expect(try await desk.supervised(late, at: Desk.county("2026-09-29", hour: 12)).dueDate == "2026-10-09")
        // The first one, escalated on 09-23, is due at the township on 10-08 (09-24, 28, 29, 30, 10-08).
        #expect(try await desk.supervised(early, at: Desk.county("2026-09-29", hour: 12)).dueDate == "2026-10-08")
        #expect(try await desk.sweep(asOf: Desk.county("2026-10-08")).isEmpty, "nothing is overdue during the holiday")
        #expect(
            try await desk.sweep(asOf: Desk.county("2026-10-09"), now: Desk.county("2026-10-09", hour: 8))
                == [EscalationStep(incident: early.id, from: "c-1", to: "c", card: .redCard)]
        )
        #expect(
            try await desk.sweep(asOf: Desk.county("2026-10-10"), now: Desk.county("2026-10-10", hour: 8))
                == [EscalationStep(incident: late.id, from: "c-1-2-1-1", to: "c-1", card: .yellowCard)]
        )
    }

    // MARK: (ii) Month end and year end

    /// A deadline runs over the end of a month and the end of the year. The file covers 2026 only,
    /// so 2027 has weekends and nothing else: 2027-01-01 counts as a working day.
    @Test(.timeLimit(.minutes(1)))
    func deadlinesRunOverTheEndOfAMonthAndOfTheYear() async throws {
        let desk = try await Desk()
        defer { desk.remove() }
        var village = try await desk.fixture.enroll(grid: "c-1-1-1-1")

        // Friday 2026-11-27: Mon 11-30, Tue 12-01, Wed 12-02; at the township from 12-03, five more.
        let november = try await desk.report(by: &village, at: Desk.county("2026-11-27", hour: 16))
        #expect(try await desk.supervised(november, at: Desk.county("2026-11-27", hour: 17)).dueDate == "2026-12-02")
        #expect(try await desk.sweep(asOf: Desk.county("2026-12-02")).isEmpty)
        let december3 = try await desk.sweep(asOf: Desk.county("2026-12-03"), now: Desk.county("2026-12-03", hour: 9))
        #expect(december3 == [EscalationStep(incident: november.id, from: "c-1-1-1-1", to: "c-1", card: .yellowCard)])
        #expect(
            try await desk.supervised(november, at: Desk.county("2026-12-03", hour: 9)).dueDate == "2026-12-10",
            "five working days at the township: 12-04, 07, 08, 09, 10"
        )

        // Wednesday 2026-12-30: Thu 12-31, Fri 2027-01-01, Mon 2027-01-04.
        let december = try await desk.report(by: &village, at: Desk.county("2026-12-30", hour: 10))
        #expect(try await desk.state(december).registryNumber == "FM-20261230-000001")
        #expect(try await desk.supervised(december, at: Desk.county("2026-12-30", hour: 11)).dueDate == "2027-01-04")

        // 23:30 on New Year's Eve in the county is 15:30 UTC: the county's day counts.
        let newYearsEve = try await desk.report(by: &village, at: Desk.county("2026-12-31", hour: 23) + 30 * 60_000)
        #expect(try await desk.state(newYearsEve).registryNumber == "FM-20261231-000001")
        #expect(try await desk.supervised(newYearsEve, at: Desk.county("2027-01-01", hour: 1)).dueDate == "2027-01-05")

        let january4 = try await desk.sweep(asOf: Desk.county("2027-01-04"), now: Desk.county("2027-01-04", hour: 9))
        #expect(january4 == [EscalationStep(incident: november.id, from: "c-1", to: "c", card: .redCard)])
        let january5 = try await desk.sweep(asOf: Desk.county("2027-01-05"), now: Desk.county("2027-01-05", hour: 9))
        #expect(january5 == [EscalationStep(incident: december.id, from: "c-1-1-1-1", to: "c-1", card: .yellowCard)])
        let january6 = try await desk.sweep(asOf: Desk.county("2027-01-06"), now: Desk.county("2027-01-06", hour: 9))
        #expect(january6 == [EscalationStep(incident: newYearsEve.id, from: "c-1-1-1-1", to: "c-1", card: .yellowCard)])
    }

    // MARK: The daemon's timer

    /// The daemon sweeps by itself: with its clock moved past the deadline, the service escalates
    /// the incident without anyone running `escalate`. Its timer runs on a test clock, so the test
    /// moves both clocks instead of waiting for real ones.
    @Test(.timeLimit(.minutes(1)))
    func theEscalationServiceSweepsOnItsOwn() async throws {
        let desk = try await Desk()
        defer { desk.remove() }
        var village = try await desk.fixture.enroll(grid: "c-1-1-1-1")
        let clock = desk.fixture.clock
        let incident = try await desk.report(by: &village, at: clock.now)  // Sunday 11-29: due 12-02
        let timer = TestTimerClock()
        let service = EscalationService(
            store: desk.fixture.database,
            interval: .seconds(900),
            logger: ServerFixture.quietLogger,
            now: { clock.now },
            clock: timer
        )
        let running = Task { try await service.run() }
        defer { running.cancel() }
        await timer.waitForSleeps(1)
        timer.advance(by: .seconds(900))
        await timer.waitForSleeps(2)  // a sweep ran and the service sleeps again
        #expect(try await desk.state(incident).status == .registered, "on time, the service leaves it alone")

        clock.advance(by: 10 * 86_400_000)
        #expect(try await desk.state(incident).status == .registered, "nothing sweeps between two ticks")
        timer.advance(by: .seconds(900))
        await timer.waitForSleeps(3)
        let state = try await desk.state(incident)
        #expect(state.status == .escalated)
        #expect(state.responsibleNode == "c-1")
        #expect(state.cards == [.yellowCard])
    }

    // MARK: (iii) Once only

    @Test(.timeLimit(.minutes(1)))
    func sweepingTwiceEscalatesOnce() async throws {
        let desk = try await Desk()
        defer { desk.remove() }
        var village = try await desk.fixture.enroll(grid: "c-1-1-1-1")
        let incident = try await desk.report(by: &village, at: Desk.county("2026-11-02", hour: 10))  // due 11-05

        let asOf = Desk.county("2026-11-06")
        #expect(try await desk.sweep(asOf: asOf, now: Desk.county("2026-11-06", hour: 9)).count == 1)
        let operations = try await desk.fixture.storedOperations()
        let record = try await desk.fixture.database.storedRecord(incident)
        #expect(try await desk.sweep(asOf: asOf, now: Desk.county("2026-11-06", hour: 10)).isEmpty)
        #expect(
            try await desk.sweep(asOf: Desk.county("2026-11-12"), now: Desk.county("2026-11-06", hour: 11)).isEmpty,
            "the township's five days run from 11-06: due 11-13"
        )
        #expect(try await desk.fixture.storedOperations() == operations, "a second sweep writes nothing")
        #expect(try await desk.fixture.database.storedRecord(incident) == record)
        let actions = try await desk.state(incident).history.map(\.entry.event.action)
        #expect(actions == [.register, .yellowCard, .escalate])

        // The group pulls the two server steps once.
        try await desk.exchange(&village, at: Desk.county("2026-11-06", hour: 12))
        #expect(village.replica.records[incident] == record)
    }

    // MARK: (iv) Township, department and county

    /// Overdue at the township: to the county with a red card. At the county it is overdue again
    /// five working days later, and already has its red card: it never gets a second.
    @Test(.timeLimit(.minutes(1)))
    func aTownshipOverdueGoesToTheCountyWithARedCardAndNeverGetsASecond() async throws {
        let desk = try await Desk()
        defer { desk.remove() }
        var township = try await desk.fixture.enroll(grid: "c-1")
        let incident = try await desk.report(by: &township, at: Desk.county("2026-11-02", hour: 10))
        #expect(try await desk.supervised(incident, at: Desk.county("2026-11-02", hour: 11)).dueDate == "2026-11-09")
        #expect(try await desk.sweep(asOf: Desk.county("2026-11-09")).isEmpty)
        let steps = try await desk.sweep(asOf: Desk.county("2026-11-10"), now: Desk.county("2026-11-10", hour: 9))
        #expect(steps == [EscalationStep(incident: incident.id, from: "c-1", to: "c", card: .redCard)])

        let atCounty = try await desk.supervised(incident, at: Desk.county("2026-11-10", hour: 9))
        #expect(atCounty.responsibleNode == "c")
        #expect(atCounty.level == 0)
        #expect(atCounty.dueDate == "2026-11-17")
        #expect(try await desk.sweep(asOf: Desk.county("2026-11-18"), now: Desk.county("2026-11-18", hour: 9)).isEmpty)
        #expect(try await desk.sweep(asOf: Desk.county("2026-12-31"), now: Desk.county("2026-12-31", hour: 9)).isEmpty)
        let state = try await desk.state(incident)
        #expect(state.cards == [.redCard])
        #expect(state.history.map(\.entry.event.action) == [.register, .redCard, .escalate])
        #expect(state.history.last?.entry.event.target == "c")
    }

    /// Reported at the county office itself: overdue, a red card and nowhere higher to go; one only.
    @Test(.timeLimit(.minutes(1)))
    func aCountyOverdueGetsOneRedCardAndStays() async throws {
        let desk = try await Desk()
        defer { desk.remove() }
        var county = try await desk.fixture.enroll(grid: "c")
        let incident = try await desk.report(by: &county, at: Desk.county("2026-11-02", hour: 10))
        #expect(try await desk.supervised(incident, at: Desk.county("2026-11-02", hour: 11)).dueDate == "2026-11-09")
        let first = try await desk.sweep(asOf: Desk.county("2026-11-10"), now: Desk.county("2026-11-10", hour: 9))
        #expect(first == [EscalationStep(incident: incident.id, from: "c", to: nil, card: .redCard)])
        #expect(try await desk.sweep(asOf: Desk.county("2026-11-11"), now: Desk.county("2026-11-11", hour: 9)).isEmpty)
        #expect(try await desk.sweep(asOf: Desk.county("2027-03-01"), now: Desk.county("2027-03-01", hour: 9)).isEmpty)
        let state = try await desk.state(incident)
        #expect(state.cards == [.redCard])
        #expect(state.status == .registered, "a card changes no status")
        #expect(state.responsibleNode == "c")
        #expect(state.history.map(\.entry.event.action) == [.register, .redCard])
        #expect(try await desk.supervised(incident, at: Desk.county("2027-03-01")).light == .red, "still overdue")
    }

    /// A department (level 1 under the county) has five working days; overdue, it goes to the
    /// county office with a red card.
    @Test(.timeLimit(.minutes(1)))
    func aDepartmentOverdueGoesToTheCountyWithARedCard() async throws {
        let desk = try await Desk()
        defer { desk.remove() }
        var village = try await desk.fixture.enroll(grid: "c-1-1-1-1")
        var township = try await desk.fixture.enroll(grid: "c-1")
        let incident = try await desk.report(by: &village, at: Desk.county("2026-11-02", hour: 10))
        try await desk.exchange(&township, at: Desk.county("2026-11-03", hour: 9))
        township.write(
            .event(IncidentEvent(action: .dispatch, node: "c-1", target: "c-dept", note: "请农业农村局处理")),
            to: incident,
            at: Desk.county("2026-11-03", hour: 10)
        )
        try await desk.exchange(&township, at: Desk.county("2026-11-03", hour: 10))
        let supervised = try await desk.supervised(incident, at: Desk.county("2026-11-03", hour: 11))
        #expect(supervised.responsibleNode == "c-dept")
        #expect(supervised.status == .dispatched)
        #expect(supervised.level == 1)
        #expect(supervised.dueDate == "2026-11-10", "five working days from 11-03")
        #expect(try await desk.sweep(asOf: Desk.county("2026-11-10")).isEmpty)
        let steps = try await desk.sweep(asOf: Desk.county("2026-11-11"), now: Desk.county("2026-11-11", hour: 9))
        #expect(steps == [EscalationStep(incident: incident.id, from: "c-dept", to: "c", card: .redCard)])
    }

    // MARK: Returned as out of remit

    /// 申请退办: one level up at the next sweep, overdue or not, and no card; from a township, to the county.
    @Test(.timeLimit(.minutes(1)))
    func aReturnGoesOneLevelUpWithoutACard() async throws {
        let desk = try await Desk()
        defer { desk.remove() }
        var village = try await desk.fixture.enroll(grid: "c-1-1-1-1")
        var township = try await desk.fixture.enroll(grid: "c-1")
        let incident = try await desk.report(by: &village, at: Desk.county("2026-11-02", hour: 10))
        village.write(
            .event(IncidentEvent(action: .sign, node: "c-1-1-1-1")),
            to: incident,
            at: Desk.county("2026-11-02", hour: 11)
        )
        village.write(
            .event(IncidentEvent(action: .requestReturn, node: "c-1-1-1-1", note: "超出职能")),
            to: incident,
            at: Desk.county("2026-11-02", hour: 12)
        )
        try await desk.exchange(&village, at: Desk.county("2026-11-02", hour: 12))
        let now = Desk.county("2026-11-02", hour: 13)
        #expect(
            try await desk.sweep(asOf: now, now: now)
                == [EscalationStep(incident: incident.id, from: "c-1-1-1-1", to: "c-1", card: nil)]
        )
        var state = try await desk.state(incident)
        #expect(state.status == .escalated)
        #expect(state.responsibleNode == "c-1")
        #expect(state.cards.isEmpty)
        #expect(state.history.map(\.entry.event.action) == [.register, .sign, .requestReturn, .escalate])
        #expect(try await desk.sweep(asOf: now + 60_000, now: now + 60_000).isEmpty, "escalated, no longer returned")

        // The township signs and returns it too: to the county, still no card.
        try await desk.exchange(&township, at: Desk.county("2026-11-03", hour: 9))
        township.write(
            .event(IncidentEvent(action: .sign, node: "c-1")),
            to: incident,
            at: Desk.county("2026-11-03", hour: 10)
        )
        township.write(
            .event(IncidentEvent(action: .requestReturn, node: "c-1", note: "需县里协调")),
            to: incident,
            at: Desk.county("2026-11-03", hour: 11)
        )
        try await desk.exchange(&township, at: Desk.county("2026-11-03", hour: 11))
        let next = Desk.county("2026-11-03", hour: 12)
        #expect(
            try await desk.sweep(asOf: next, now: next) == [
                EscalationStep(incident: incident.id, from: "c-1", to: "c", card: nil)
            ]
        )
        state = try await desk.state(incident)
        #expect(state.responsibleNode == "c")
        #expect(state.cards.isEmpty)
    }

    /// Returned at the county office, the incident has no level above to go to. Whatever the
    /// sweep does with it, it must not report an escalation it did not make, again at every sweep:
    /// each step it reports is an event in the incident.
    @Test(.timeLimit(.minutes(1)))
    func aReturnAtTheCountyIsNotReportedAsEscalatedWhenNothingHappens() async throws {
        let desk = try await Desk()
        defer { desk.remove() }
        var county = try await desk.fixture.enroll(grid: "c")
        let incident = try await desk.report(by: &county, at: Desk.county("2026-11-02", hour: 10))
        county.write(
            .event(IncidentEvent(action: .sign, node: "c")),
            to: incident,
            at: Desk.county("2026-11-02", hour: 11)
        )
        county.write(
            .event(IncidentEvent(action: .requestReturn, node: "c", note: "超出职能")),
            to: incident,
            at: Desk.county("2026-11-02", hour: 12)
        )
        try await desk.exchange(&county, at: Desk.county("2026-11-02", hour: 12))
        var reported = 0
        for hour: UInt64 in [13, 14, 15] {
            let before = try await desk.state(incident).history.count
            let now = Desk.county("2026-11-02", hour: hour)
            let steps = try await desk.sweep(asOf: now, now: now)
            let written = try await desk.state(incident).history.count - before
            reported += steps.count
            #expect(steps.isEmpty || written > 0, "at \(hour):00 the sweep reported \(steps) but wrote nothing")
        }
        #expect(reported <= 1, "three sweeps reported the same return \(reported) times")
        #expect(try await desk.state(incident).status == .returnRequested)
    }

    // MARK: (v) Off the clock

    /// Waiting for verification, closed or cancelled, an incident is nobody's overdue work.
    /// The sweep reads the open incidents through their index, not every incident the county
    /// ever had: closing or cancelling one takes it out, reopening puts it back.
    @Test(.timeLimit(.minutes(1)))
    func theSweepsIndexHoldsExactlyTheOpenIncidents() async throws {
        let desk = try await Desk()
        defer { desk.remove() }
        var village = try await desk.fixture.enroll(grid: "c-1-1-1-1")
        let day = Desk.county("2026-11-02", hour: 10)
        let open = try await desk.report(by: &village, at: day)
        let closed = try await desk.report(by: &village, at: day + 60_000)
        func indexed() async throws -> Int { try await desk.fixture.database.sweptIncidents().count }
        #expect(try await indexed() == 2)
        village.write(.event(IncidentEvent(action: .selfClose, node: "c-1-1-1-1")), to: closed, at: day + 120_000)
        try await desk.exchange(&village, at: day + 120_000)
        #expect(try await desk.fixture.database.sweptIncidents().filter { $0 == open.id }.count == 1)
        #expect(try await indexed() == 1, "the closed incident left the index")
        village.write(
            .event(IncidentEvent(action: .reopen, node: "c-1-1-1-1", note: "再次反映")),
            to: closed,
            at: day + 180_000
        )
        try await desk.exchange(&village, at: day + 180_000)
        #expect(try await indexed() == 2, "reopened, it is back")
    }

    @Test(.timeLimit(.minutes(1)))
    func incidentsInFeedbackVerifyingClosedOrCancelledAreNeverEscalated() async throws {
        let desk = try await Desk()
        defer { desk.remove() }
        var village = try await desk.fixture.enroll(grid: "c-1-1-1-1")
        let day = Desk.county("2026-11-02", hour: 10)
        let minute: UInt64 = 60_000
        let feedback = try await desk.report(by: &village, at: day)
        let verifying = try await desk.report(by: &village, at: day + minute)
        let closed = try await desk.report(by: &village, at: day + 2 * minute)
        let cancelled = try await desk.report(by: &village, at: day + 3 * minute)
        let open = try await desk.report(by: &village, at: day + 4 * minute)
        var time = day + 10 * minute
        func step(_ action: IncidentAction, on incident: RecordKey, _ extra: (inout IncidentEvent) -> Void = { _ in }) {
            var event = IncidentEvent(action: action, node: "c-1-1-1-1")
            extra(&event)
            time += minute
            village.write(.event(event), to: incident, at: time)
        }
        step(.sign, on: feedback)
        step(.feedback, on: feedback) { $0.note = "已调解" }
        step(.sign, on: verifying)
        step(.feedback, on: verifying)
        step(.verify, on: verifying)
        step(.selfClose, on: closed)
        step(.cancel, on: cancelled) { $0.note = "重复上报" }
        try await desk.exchange(&village, at: time)
        #expect(try await desk.state(feedback).status == .feedback)
        #expect(try await desk.state(verifying).status == .verifying)
        #expect(try await desk.state(closed).status == .closed)
        #expect(try await desk.state(cancelled).status == .cancelled)
        for incident in [feedback, verifying, closed, cancelled] {
            let supervised = try await desk.supervised(incident, at: Desk.county("2027-06-01"))
            #expect(supervised.dueDate == nil && supervised.light == nil, "\(supervised.status) is off the clock")
        }

        let steps = try await desk.sweep(asOf: Desk.county("2027-06-01"), now: Desk.county("2027-06-01", hour: 9))
        #expect(steps == [EscalationStep(incident: open.id, from: "c-1-1-1-1", to: "c-1", card: .yellowCard)])
        for incident in [feedback, verifying, closed, cancelled] {
            #expect(try await desk.state(incident).cards.isEmpty)
            #expect(
                !(try await desk.state(incident).history.contains {
                    $0.entry.dot.replica == .server && $0.entry.event.action != .register
                })
            )
        }
    }
}

// MARK: - The county desk at chosen days

/// A server store with the test county and the 2026 calendar, driven at the times a test chooses:
/// agents' batches go straight to ``SyncStore/exchange(_:)``, as the sync route calls it, with
/// the test's `now`.
struct Desk {
    let fixture: ServerFixture

    init() async throws {
        fixture = try await ServerFixture()
        let file = BuiltBinary.packageRoot.appendingPathComponent("config/calendar-2026.txt")
        let calendar = try WorkCalendar(parsing: String(contentsOf: file, encoding: .utf8))
        try await fixture.database.importCalendar(calendar, actor: "test", now: fixture.clock.now)
    }

    func remove() { fixture.remove() }

    /// The instant a county day begins (UTC+8), plus `hour` hours.
    static func county(_ date: String, hour: UInt64 = 0) -> UInt64 {
        CountyTime.startOfDay(CalendarDate(date)!) + hour * 3_600_000
    }

    /// `agent` reports an incident in its own grid at `time` and syncs at once: the server registers it then.
    func report(by agent: inout TestAgent, at time: UInt64) async throws -> RecordKey {
        let key = RecordKey(type: .incident, id: RecordID.make(nowMilliseconds: time))
        agent.write(
            .create(["gridId": .string(agent.grid), "category": .string("dispute"), "summary": .string("邻里纠纷")]),
            to: key,
            at: time
        )
        try await exchange(&agent, at: time)
        try #require(try await state(key).status == .registered)
        return key
    }

    /// One exchange at `now`: the outbox pushed, everything new pulled and merged.
    func exchange(_ agent: inout TestAgent, at now: UInt64) async throws {
        let enrolled = try await fixture.stored(agent)
        let rules = ExchangeRules(pageSize: 100)
        var outbox = agent.outbox
        var page: PulledPage
        repeat {
            let sent = SyncRequest(batchId: UUID().uuidString.lowercased(), cursor: agent.cursor, operations: outbox)
            let outcome = try await fixture.database.exchange(
                try rules.check(ReceivedSyncRequest(sent), from: enrolled, now: now)
            )
            agent.outbox.removeAll { $0.dot.counter <= outcome.acknowledgedThrough }
            outbox = []
            page = outcome.page
            for body in page.operations {
                agent.replica.receive(try CanonicalJSON.decode(SyncOperation.self, from: body))
            }
            agent.cursor = page.cursor
        } while page.hasMore
    }

    /// One sweep as at `asOf`, its events written at `now` (by default the same instant).
    func sweep(asOf: UInt64, now: UInt64? = nil) async throws -> [EscalationStep] {
        try await fixture.database.sweepDeadlines(asOf: asOf, now: now ?? asOf, actor: "test")
    }

    func supervised(_ incident: RecordKey, at now: UInt64) async throws -> SupervisedIncident {
        try #require(try await fixture.database.supervisedIncidents(now: now).first { $0.id == incident.id })
    }

    func state(_ incident: RecordKey) async throws -> IncidentState {
        let record = try #require(try await fixture.database.storedRecord(incident))
        return try #require(IncidentState(record: record))
    }
}
