/// `"YYYY-MM-DD"`.
extension CalendarDate: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) { writer.string(description) }

    public init(from reader: inout CanonicalReader) throws {
        guard let date = CalendarDate(try reader.string()) else { throw reader.corrupt("a date is YYYY-MM-DD") }
        self = date
    }
}
