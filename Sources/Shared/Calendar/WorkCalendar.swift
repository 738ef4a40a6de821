/// The county's working days: Monday to Friday, minus public holidays, plus make-up working days (调休).
///
/// Deadlines are counted in working days, and China moves weekend days around its holidays, so
/// the calendar needs a file each year. The file has one date a line, `holiday` or `workday`, and
/// an optional note; `#` starts a comment:
///
///     2026-10-01 holiday 国庆节
///     2026-10-10 workday 国庆节调休上班
public struct WorkCalendar: Sendable, Hashable {
    /// Weekdays off.
    public private(set) var holidays: Set<CalendarDate>
    /// Weekend days worked.
    public private(set) var makeUpWorkdays: Set<CalendarDate>

    public init(holidays: Set<CalendarDate> = [], makeUpWorkdays: Set<CalendarDate> = []) {
        self.holidays = holidays
        self.makeUpWorkdays = makeUpWorkdays
    }

    /// Reads a calendar file, refusing it whole at the first bad line.
    ///
    /// - Throws: ``ModelError`` naming the line.
    public init(parsing text: String) throws(ModelError) {
        self.init()
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = line.split(whereSeparator: \.isWhitespace)
            guard let first = words.first else { continue }
            let number = offset + 1
            guard words.count >= 2, let date = CalendarDate(first) else {
                throw .invalid(
                    LocalizedText(
                        "Calendar line \(number) must be a date (YYYY-MM-DD) followed by holiday or workday.",
                        zh: "日历第\(number)行必须是日期（YYYY-MM-DD）后接 holiday 或 workday。"
                    )
                )
            }
            guard !holidays.contains(date) && !makeUpWorkdays.contains(date) else {
                throw .invalid(
                    LocalizedText("Calendar line \(number) repeats \(date).", zh: "日历第\(number)行重复了 \(date)。")
                )
            }
            switch words[1] {
            case "holiday": holidays.insert(date)
            case "workday": makeUpWorkdays.insert(date)
            default:
                throw .invalid(
                    LocalizedText(
                        "Calendar line \(number) must say holiday or workday, not \(words[1]).",
                        zh: "日历第\(number)行只能写 holiday 或 workday，而不是 \(words[1])。"
                    )
                )
            }
        }
    }

    public func isWorkingDay(_ date: CalendarDate) -> Bool {
        if makeUpWorkdays.contains(date) { return true }
        if holidays.contains(date) { return false }
        return date.isoWeekday <= 5
    }

    /// The `count`-th working day after `date` (not counting `date` itself).
    public func workingDay(_ count: Int, after date: CalendarDate) -> CalendarDate {
        var current = date
        var remaining = count
        while remaining > 0 {
            current = current.adding(days: 1)
            if isWorkingDay(current) { remaining -= 1 }
        }
        return current
    }

    /// How many working days lie strictly after `start` and strictly before `end`.
    public func workingDays(after start: CalendarDate, before end: CalendarDate) -> Int {
        var count = 0
        var current = start.adding(days: 1)
        while current < end {
            if isWorkingDay(current) { count += 1 }
            current = current.adding(days: 1)
        }
        return count
    }
}
