import Foundation
import Testing

@testable import Shared

/// Working days on the 2026 calendar file, with holidays and make-up working days (调休).
@Suite struct WorkCalendarTests {
    static func calendar2026() throws -> WorkCalendar {
        let url = PackageRoot.url.appendingPathComponent("config/calendar-2026.txt")
        return try WorkCalendar(parsing: String(decoding: try Data(contentsOf: url), as: UTF8.self))
    }

    static func date(_ text: String) -> CalendarDate {
        guard let date = CalendarDate(text) else { preconditionFailure("\(text) is not a date") }
        return date
    }

    // MARK: the 2026 file

    @Test func theFileLoads() throws {
        let calendar = try Self.calendar2026()
        #expect(calendar.holidays.count == 19)
        #expect(calendar.makeUpWorkdays.count == 6)
    }

    @Test func nationalDayThreeWorkingDaysEndOnTheMakeUpSaturday() throws {
        let calendar = try Self.calendar2026()
        #expect(Self.date("2026-09-30").isoWeekday == 3)
        #expect(calendar.workingDay(3, after: Self.date("2026-09-30")) == Self.date("2026-10-10"))
        #expect(Self.date("2026-10-10").isoWeekday == 6)
    }

    /// 10-08 Thu, 10-09 Fri, 10-10 Sat (调休), then Mon 10-12 and Tue 10-13.
    @Test func nationalDayFiveWorkingDays() throws {
        let calendar = try Self.calendar2026()
        #expect(calendar.workingDay(5, after: Self.date("2026-09-30")) == Self.date("2026-10-13"))
    }

    @Test func nationalDayHolidaysAreNotWorkingDays() throws {
        let calendar = try Self.calendar2026()
        for day in ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"] {
            #expect(!calendar.isWorkingDay(Self.date(day)), "\(day)")
        }
        #expect(calendar.isWorkingDay(Self.date("2026-09-20")))
    }

    @Test func springFestivalMakeUpSaturdayIsAWorkingDay() throws {
        let calendar = try Self.calendar2026()
        #expect(Self.date("2026-02-14").isoWeekday == 6)
        #expect(calendar.isWorkingDay(Self.date("2026-02-14")))
        #expect(!calendar.isWorkingDay(Self.date("2026-02-16")))
        #expect(calendar.workingDay(1, after: Self.date("2026-02-13")) == Self.date("2026-02-14"))
    }

    @Test func monthEnd() throws {
        let calendar = try Self.calendar2026()
        #expect(Self.date("2026-07-31").isoWeekday == 5)
        #expect(calendar.workingDay(3, after: Self.date("2026-07-31")) == Self.date("2026-08-05"))
    }

    /// The 2026 file names no 2027 dates, so Friday 2027-01-01 counts as an ordinary working day.
    @Test func yearEnd() throws {
        let calendar = try Self.calendar2026()
        #expect(calendar.isWorkingDay(Self.date("2027-01-01")))
        #expect(calendar.workingDay(3, after: Self.date("2026-12-30")) == Self.date("2027-01-04"))
    }

    @Test func ordinaryWeekendsAreOffAndWeekdaysWorked() {
        let calendar = WorkCalendar()
        #expect(calendar.isWorkingDay(Self.date("2026-11-27")))
        #expect(!calendar.isWorkingDay(Self.date("2026-11-28")))
        #expect(!calendar.isWorkingDay(Self.date("2026-11-29")))
    }

    @Test func workingDaysBetweenCountsStrictlyInside() throws {
        let calendar = try Self.calendar2026()
        #expect(calendar.workingDays(after: Self.date("2026-07-31"), before: Self.date("2026-08-05")) == 2)
        #expect(calendar.workingDays(after: Self.date("2026-09-30"), before: Self.date("2026-10-08")) == 0)
        #expect(calendar.workingDays(after: Self.date("2026-08-05"), before: Self.date("2026-08-05")) == 0)
    }

    // MARK: parsing

    @Test func commentsAndBlankLinesAreIgnored() throws {
        let text = """
            # a comment line

               \t
            2026-10-01 holiday 国庆节   # a trailing comment
            # 2026-10-02 holiday
            2026-10-10 workday
            """
        let calendar = try WorkCalendar(parsing: text)
        #expect(calendar.holidays == [Self.date("2026-10-01")])
        #expect(calendar.makeUpWorkdays == [Self.date("2026-10-10")])
    }

    @Test func anEmptyFileIsAnEmptyCalendar() throws {
        #expect(try WorkCalendar(parsing: "") == WorkCalendar())
    }

    @Test func aBadDateIsRefusedNamingTheLine() {
        let error = #expect(throws: ModelError.self) {
            try WorkCalendar(parsing: "# 2026\n2026-10-01 holiday\n2026-13-01 holiday\n")
        }
        #expect(error?.code == .invalidValue)
        #expect(error?.message.english.contains("line 3") == true)
        #expect(error?.message.chinese.contains("第3行") == true)
    }

    @Test func aDateWithoutAWordIsRefused() {
        let error = #expect(throws: ModelError.self) { try WorkCalendar(parsing: "2026-10-01\n") }
        #expect(error?.message.english.contains("line 1") == true)
    }

    @Test func anUnknownWordIsRefusedNamingTheLine() {
        let error = #expect(throws: ModelError.self) {
            try WorkCalendar(parsing: "2026-10-01 holiday\n\n2026-10-02 vacation\n")
        }
        #expect(error?.message.english.contains("line 3") == true)
        #expect(error?.message.english.contains("vacation") == true)
    }

    @Test func aRepeatedDateIsRefusedNamingTheLine() {
        let error = #expect(throws: ModelError.self) {
            try WorkCalendar(parsing: "2026-10-01 holiday\n2026-10-10 workday\n2026-10-01 workday\n")
        }
        #expect(error?.message.english.contains("line 3") == true)
        #expect(error?.message.english.contains("2026-10-01") == true)
    }

    @Test func oneBadLineRefusesTheWholeFile() {
        #expect(throws: ModelError.self) {
            try WorkCalendar(parsing: "2026-10-01 holiday\n2026-10-02 holiday\nnonsense\n")
        }
    }
}

/// Deadlines in working days and the traffic light that supervises them.
@Suite struct DeadlineTests {
    private static let hour: UInt64 = 3_600_000

    /// The instant `hours` after midnight county time on `date`.
    private static func instant(_ date: String, hours: Double = 0) -> UInt64 {
        CountyTime.startOfDay(WorkCalendarTests.date(date)) + UInt64(hours * Double(hour))
    }

    /// A deadline that started at 10:00 county time on `date`.
    private static func deadline(_ date: String, workingDays: Int, _ calendar: WorkCalendar) -> Deadline {
        Deadline(
            start: HLCTimestamp(wallMilliseconds: instant(date, hours: 10)),
            workingDays: workingDays,
            calendar: calendar
        )
    }

    @Test func dueDateCountsWorkingDaysAfterTheStartDay() throws {
        let calendar = try WorkCalendarTests.calendar2026()
        #expect(Self.deadline("2026-09-30", workingDays: 3, calendar).dueDate == WorkCalendarTests.date("2026-10-10"))
        #expect(Self.deadline("2026-09-30", workingDays: 5, calendar).dueDate == WorkCalendarTests.date("2026-10-13"))
    }

    @Test func theStartDayIsTheCountyDateNotTheUTCDate() throws {
        let calendar = try WorkCalendarTests.calendar2026()
        // 2026-07-30T17:00Z is already Friday 07-31 at 01:00 in the county.
        let deadline = Deadline(
            start: HLCTimestamp(wallMilliseconds: Self.instant("2026-07-31", hours: 1)),
            workingDays: 3,
            calendar: calendar
        )
        #expect(deadline.dueDate == WorkCalendarTests.date("2026-08-05"))
    }

    @Test func dueAtIsMidnightChinaTimeAfterTheDueDate() throws {
        let calendar = try WorkCalendarTests.calendar2026()
        let deadline = Self.deadline("2026-09-30", workingDays: 3, calendar)
        // 2026-10-11T00:00+08:00 == 2026-10-10T16:00:00Z
        #expect(deadline.dueAtMilliseconds == 1_791_648_000_000)
        #expect(!deadline.isOverdue(atMilliseconds: 1_791_648_000_000 - 1))
        #expect(deadline.isOverdue(atMilliseconds: 1_791_648_000_000))
    }

    @Test func greenAtTheStart() throws {
        let calendar = try WorkCalendarTests.calendar2026()
        let deadline = Self.deadline("2026-07-31", workingDays: 3, calendar)
        let start = Self.instant("2026-07-31", hours: 10)
        #expect(deadline.elapsedWorkingDays(atMilliseconds: start, calendar: calendar) == 0)
        #expect(deadline.light(atMilliseconds: start, calendar: calendar) == .green)
        #expect(deadline.light(atMilliseconds: Self.instant("2026-07-31", hours: 23.9), calendar: calendar) == .green)
    }

    /// Three working days 08-03, 08-04, 08-05: 70% is 2.1 days, reached during 08-05.
    @Test func yellowOnce70PercentIsGone() throws {
        let calendar = try WorkCalendarTests.calendar2026()
        let deadline = Self.deadline("2026-07-31", workingDays: 3, calendar)
        let startOfThirdDay = Self.instant("2026-08-05")
        let threeAM = Self.instant("2026-08-05", hours: 3)
        #expect(deadline.elapsedWorkingDays(atMilliseconds: startOfThirdDay, calendar: calendar) == 2.0)
        #expect(deadline.light(atMilliseconds: startOfThirdDay, calendar: calendar) == .green)
        #expect(deadline.elapsedWorkingDays(atMilliseconds: threeAM, calendar: calendar) == 2.125)
        #expect(deadline.light(atMilliseconds: threeAM, calendar: calendar) == .yellow)
    }

    @Test func redAtAndAfterTheDeadline() throws {
        let calendar = try WorkCalendarTests.calendar2026()
        let deadline = Self.deadline("2026-07-31", workingDays: 3, calendar)
        let dueAt = Self.instant("2026-08-06")
        #expect(deadline.dueAtMilliseconds == dueAt)
        #expect(deadline.light(atMilliseconds: dueAt - 1, calendar: calendar) == .yellow)
        #expect(deadline.light(atMilliseconds: dueAt, calendar: calendar) == .red)
        #expect(deadline.light(atMilliseconds: dueAt + 30 * 24 * Self.hour, calendar: calendar) == .red)
    }

    /// Started Thursday 07-30: Friday counts, the weekend does not.
    @Test func weekendDaysDoNotCountTowardElapsed() throws {
        let calendar = try WorkCalendarTests.calendar2026()
        let deadline = Self.deadline("2026-07-30", workingDays: 3, calendar)
        #expect(deadline.dueDate == WorkCalendarTests.date("2026-08-04"))
        let saturdayNoon = Self.instant("2026-08-01", hours: 12)
        let sundayLate = Self.instant("2026-08-02", hours: 23)
        let mondayStart = Self.instant("2026-08-03")
        #expect(deadline.elapsedWorkingDays(atMilliseconds: saturdayNoon, calendar: calendar) == 1.0)
        #expect(deadline.elapsedWorkingDays(atMilliseconds: sundayLate, calendar: calendar) == 1.0)
        #expect(deadline.elapsedWorkingDays(atMilliseconds: mondayStart, calendar: calendar) == 1.0)
        #expect(deadline.light(atMilliseconds: sundayLate, calendar: calendar) == .green)
    }

    @Test func holidaysDoNotCountTowardElapsed() throws {
        let calendar = try WorkCalendarTests.calendar2026()
        let deadline = Self.deadline("2026-09-30", workingDays: 3, calendar)
        let midHoliday = Self.instant("2026-10-06", hours: 12)
        #expect(deadline.elapsedWorkingDays(atMilliseconds: midHoliday, calendar: calendar) == 0)
        #expect(deadline.light(atMilliseconds: midHoliday, calendar: calendar) == .green)
    }

    @Test func elapsedNeverExceedsTheAllowance() throws {
        let calendar = try WorkCalendarTests.calendar2026()
        let deadline = Self.deadline("2026-07-31", workingDays: 3, calendar)
        #expect(deadline.elapsedWorkingDays(atMilliseconds: Self.instant("2026-09-01"), calendar: calendar) == 3)
    }
}

/// Calendar dates without time or zone.
@Suite struct CalendarDateTests {
    @Test func parsesYearMonthDay() {
        let date = CalendarDate("2026-11-29")
        #expect(date?.year == 2026)
        #expect(date?.month == 11)
        #expect(date?.day == 29)
        #expect(date?.description == "2026-11-29")
    }

    @Test(arguments: [
        "", "2026-1-05", "2026-01-5", "26-01-05", "02026-01-05", "2026/01/05", " 2026-01-05", "2026-01-05 ",
        "2026-01-05T00:00", "+026-01-05", "2026-0a-05", "２０２６-01-05", "2026--01-05", "2026-01",
    ])
    func refusesAnythingButStrictYYYYMMDD(text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test(arguments: ["2026-00-10", "2026-13-01", "2026-01-00", "2026-01-32", "2026-04-31", "2026-06-31"])
    func refusesDaysThatDoNotExist(text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test func leapYears() {
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate("2026-02-29") == nil)
        #expect(CalendarDate("2000-02-29") != nil)
        #expect(CalendarDate("1900-02-29") == nil)
        #expect(CalendarDate("2024-02-30") == nil)
    }

    @Test func knownDayCounts() {
        #expect(CalendarDate("1970-01-01")?.daysSince1970 == 0)
        #expect(CalendarDate("1969-12-31")?.daysSince1970 == -1)
        #expect(CalendarDate("2000-03-01")?.daysSince1970 == 11_017)
        #expect(CalendarDate("2026-11-29")?.daysSince1970 == 20_786)
    }

    @Test func daysSince1970RoundTripsOverThousandsOfDays() {
        var previous = CalendarDate(daysSince1970: -20_001)
        for days in -20_000...40_000 {
            let date = CalendarDate(daysSince1970: days)
            #expect(date.daysSince1970 == days)
            #expect(CalendarDate(year: date.year, month: date.month, day: date.day) == date)
            #expect(previous < date)
            #expect(previous.adding(days: 1) == date)
            previous = date
            if days % 1000 == 0 { #expect(CalendarDate(date.description) == date) }
        }
    }

    @Test func isoWeekday() {
        #expect(CalendarDate("2026-11-29")?.isoWeekday == 7)
        #expect(CalendarDate("2026-11-30")?.isoWeekday == 1)
        #expect(CalendarDate("1970-01-01")?.isoWeekday == 4)
        #expect(CalendarDate("1969-12-29")?.isoWeekday == 1)
        #expect(CalendarDate("1969-12-28")?.isoWeekday == 7)
    }

    @Test func ordersByYearThenMonthThenDay() {
        #expect(CalendarDate("2026-01-31")! < CalendarDate("2026-02-01")!)
        #expect(CalendarDate("2025-12-31")! < CalendarDate("2026-01-01")!)
    }

    @Test func encodesAsText() throws {
        let date = try #require(CalendarDate("2026-02-14"))
        #expect(String(decoding: try CanonicalJSON.encode([date]), as: UTF8.self) == #"["2026-02-14"]"#)
        #expect(try CanonicalJSON.decode([CalendarDate].self, from: Data(#"["2026-02-14"]"#.utf8)) == [date])
        #expect(throws: DecodingError.self) {
            try CanonicalJSON.decode([CalendarDate].self, from: Data(#"["2026-02-30"]"#.utf8))
        }
    }
}

extension WorkCalendarTests {
    /// County time: China Standard Time, UTC+8.
    @Suite struct CountyTimeTests {
        @Test func theCountyDateIsAheadOfUTCByEightHours() {
            // 2026-11-28T16:00:00Z is midnight 2026-11-29 in the county.
            #expect(CountyTime.date(atMilliseconds: 1_795_881_600_000) == CalendarDate("2026-11-29"))
            #expect(CountyTime.date(atMilliseconds: 1_795_881_600_000 - 1) == CalendarDate("2026-11-28"))
        }

        @Test func startOfDayIsMidnightInTheCounty() throws {
            #expect(CountyTime.startOfDay(try #require(CalendarDate("2026-11-29"))) == 1_795_881_600_000)
        }

        @Test func fractionOfDay() {
            #expect(CountyTime.fractionOfDay(atMilliseconds: 1_795_881_600_000) == 0)
            #expect(CountyTime.fractionOfDay(atMilliseconds: 1_795_881_600_000 + 6 * 3_600_000) == 0.25)
        }
    }
}
