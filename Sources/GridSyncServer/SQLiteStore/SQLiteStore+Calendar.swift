import Foundation
import GRDB
package import Shared

extension SQLiteStore {
    /// Replaces the county's working-day calendar with a calendar file's dates, recorded in the audit trail.
    ///
    /// Agents receive the calendar with their next snapshot; deadlines already running are counted
    /// with the new calendar from the next sweep on.
    package func importCalendar(_ calendar: WorkCalendar, actor: String, now: UInt64) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM calendarDay")
            for date in calendar.holidays {
                try db.execute(sql: "INSERT INTO calendarDay(date, kind) VALUES (?, 'holiday')", arguments: ["\(date)"])
            }
            for date in calendar.makeUpWorkdays {
                try db.execute(sql: "INSERT INTO calendarDay(date, kind) VALUES (?, 'workday')", arguments: ["\(date)"])
            }
            try Audit.record(
                db,
                at: now,
                actor: actor,
                action: "calendar.import",
                subject: nil,
                detail: "\(calendar.holidays.count) holidays, \(calendar.makeUpWorkdays.count) make-up working days"
            )
        }
    }

    /// The county's calendar; weekends only until one is imported.
    func calendar() throws -> WorkCalendar {
        try writer.read { db in try Self.calendar(db) }
    }

    static func calendar(_ db: Database) throws -> WorkCalendar {
        var holidays: Set<CalendarDate> = []
        var workdays: Set<CalendarDate> = []
        for row in try Row.fetchAll(db, sql: "SELECT date, kind FROM calendarDay") {
            guard let date = CalendarDate(row["date"] as String) else { continue }
            if row["kind"] == "holiday" { holidays.insert(date) } else { workdays.insert(date) }
        }
        return WorkCalendar(holidays: holidays, makeUpWorkdays: workdays)
    }
}
