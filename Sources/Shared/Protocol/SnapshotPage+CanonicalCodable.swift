/// `{"calendar","cursor","grids","nextAfter","recordCount","records"}`; `calendar`, `nextAfter`
/// and `recordCount` are left out when nil.
extension SnapshotPage: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        Self.write(
            to: &writer,
            cursor: cursor,
            grids: grids,
            records: records,
            nextAfter: nextAfter,
            recordCount: recordCount,
            calendar: calendar
        )
    }

    /// The one place the keys of a snapshot page are written: for a ``SnapshotPage`` and for the
    /// server's page, whose `records` are the stored canonical states (``RawJSON``) spliced in
    /// as they are.
    package static func write(
        to writer: inout CanonicalWriter,
        cursor: UInt64,
        grids: [GridNode],
        records: [some CanonicalEncodable],
        nextAfter: String?,
        recordCount: Int?,
        calendar: WorkCalendar?
    ) {
        writer.object { writer in
            writer.field("calendar", ifPresent: calendar)
            writer.field("cursor", cursor)
            writer.field("grids", grids)
            writer.field("nextAfter", ifPresent: nextAfter)
            writer.field("recordCount", ifPresent: recordCount)
            writer.field("records", records)
        }
    }

    public init(from reader: inout CanonicalReader) throws {
        var cursor: UInt64?
        var grids: [GridNode]?
        var records: [RecordState]?
        var nextAfter: String?
        var recordCount: Int?
        var calendar: WorkCalendar?
        try reader.object { reader, key in
            switch key {
            case "cursor": cursor = try reader.counter("cursor")
            case "grids": grids = try reader.array(limit: Self.maxGrids, GridNode.init(from:))
            case "records": records = try reader.read()
            case "nextAfter": nextAfter = try reader.optional(String.self)
            case "recordCount": recordCount = try reader.optional { Int(try $0.counter("recordCount")) }
            case "calendar": calendar = try reader.optional(WorkCalendar.self)
            default: try reader.skipValue()
            }
        }
        guard let cursor, let grids, let records else { throw reader.missing("cursor") }
        self.init(
            cursor: cursor,
            grids: grids,
            records: records,
            nextAfter: nextAfter,
            recordCount: recordCount,
            calendar: calendar
        )
    }

    /// The most grid nodes a page may carry: more than any county has.
    static let maxGrids = 1_000_000
}
