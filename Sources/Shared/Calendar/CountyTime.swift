/// The county's civil time: China Standard Time, UTC+8 all year (China keeps no daylight saving).
///
/// Deadlines end at midnight in the county, whatever zone a laptop or the server is set to.
public enum CountyTime {
    public static let utcOffsetSeconds = 8 * 3600
    static let millisecondsPerDay: Int64 = 86_400_000

    /// The county date at an instant given in milliseconds since 1970.
    public static func date(atMilliseconds milliseconds: UInt64) -> CalendarDate {
        CalendarDate(daysSince1970: Int(floorDiv(localMilliseconds(milliseconds), millisecondsPerDay)))
    }

    /// How much of its county day has passed at the instant, from 0 up to 1.
    public static func fractionOfDay(atMilliseconds milliseconds: UInt64) -> Double {
        let local = localMilliseconds(milliseconds)
        return Double(local - floorDiv(local, millisecondsPerDay) * millisecondsPerDay) / Double(millisecondsPerDay)
    }

    /// The instant, in milliseconds since 1970, at which a county date begins.
    public static func startOfDay(_ date: CalendarDate) -> UInt64 {
        UInt64(Int64(date.daysSince1970) * millisecondsPerDay - Int64(utcOffsetSeconds) * 1000)
    }

    private static func localMilliseconds(_ milliseconds: UInt64) -> Int64 {
        Int64(milliseconds) + Int64(utcOffsetSeconds) * 1000
    }

    private static func floorDiv(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }
}
