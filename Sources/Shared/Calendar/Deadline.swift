/// A handling deadline in working days, and the traffic light that supervises it.
///
/// The clock starts when a level takes the incident on (registration, dispatch or escalation).
/// The allowance is the next `workingDays` working days after that day; the deadline is the
/// end of the last of them, midnight county time. The light turns yellow once 70% of the
/// allowance has gone (Tianque's rule) and red when the deadline has passed.
public struct Deadline: Hashable, Sendable {
    public let start: HLCTimestamp
    public let workingDays: Int
    /// The last working day of the allowance.
    public let dueDate: CalendarDate
    private let startDate: CalendarDate

    /// The share of the allowance after which the light turns yellow.
    public static let warningShare = 0.7

    public init(start: HLCTimestamp, workingDays: Int, calendar: WorkCalendar) {
        self.start = start
        self.workingDays = workingDays
        startDate = CountyTime.date(atMilliseconds: start.wallMilliseconds)
        dueDate = calendar.workingDay(workingDays, after: startDate)
    }

    /// The instant the deadline passes: the start of the day after ``dueDate``.
    public var dueAtMilliseconds: UInt64 { CountyTime.startOfDay(dueDate.adding(days: 1)) }

    public func isOverdue(atMilliseconds now: UInt64) -> Bool { now >= dueAtMilliseconds }

    /// Working days of the allowance used up at `now`, counting part of the current day.
    public func elapsedWorkingDays(atMilliseconds now: UInt64, calendar: WorkCalendar) -> Double {
        let today = CountyTime.date(atMilliseconds: now)
        guard today > startDate else { return 0 }
        let whole = calendar.workingDays(after: startDate, before: today)
        let partial = calendar.isWorkingDay(today) ? CountyTime.fractionOfDay(atMilliseconds: now) : 0
        return min(Double(workingDays), Double(whole) + partial)
    }

    public func light(atMilliseconds now: UInt64, calendar: WorkCalendar) -> TrafficLight {
        if isOverdue(atMilliseconds: now) { return .red }
        let elapsed = elapsedWorkingDays(atMilliseconds: now, calendar: calendar)
        return elapsed >= Self.warningShare * Double(workingDays) ? .yellow : .green
    }
}

/// 红黄绿灯: how an open incident stands against its deadline.
public enum TrafficLight: String, Sendable, Codable, CaseIterable {
    /// On time.
    case green
    /// 70% of the allowance gone.
    case yellow
    /// Past the deadline.
    case red
}
