/// `{"holidays":[…],"workdays":[…]}`, each list sorted so one calendar has one form.
extension WorkCalendar: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in
            writer.field("holidays", holidays.sorted())
            writer.field("workdays", makeUpWorkdays.sorted())
        }
    }

    /// A missing list is an empty one.
    public init(from reader: inout CanonicalReader) throws {
        var holidays: Set<CalendarDate> = []
        var workdays: Set<CalendarDate> = []
        try reader.object { reader, key in
            switch key {
            case "holidays": holidays = Set(try reader.read([CalendarDate].self))
            case "workdays": workdays = Set(try reader.read([CalendarDate].self))
            default: try reader.skipValue()
            }
        }
        self.init(holidays: holidays, makeUpWorkdays: workdays)
    }
}
