/// `{"after","grid","keys"}`; `after` and `grid` are left out when nil, `keys` is always there.
extension RecordsRequest: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in
            writer.field("after", ifPresent: after)
            writer.field("grid", ifPresent: grid)
            writer.field("keys", keys)
        }
    }

    /// Either `keys` (at most ``maxKeys``) or a `grid` with an empty or absent `keys`.
    public init(from reader: inout CanonicalReader) throws {
        var keys: [String]?
        var grid: String?
        var after: String?
        try reader.object { reader, key in
            switch key {
            case "keys": keys = try reader.array(limit: Self.maxKeys) { try $0.string() }
            case "grid": grid = try reader.string()
            case "after": after = try reader.string()
            default: try reader.skipValue()
            }
        }
        if let grid, keys?.isEmpty ?? true {
            self.init(grid: grid, after: after)
            return
        }
        guard let keys, grid == nil else { throw reader.missing("keys") }
        self.init(keys: keys)
        self.after = after  // meaningless here, but refused when it is not a key
    }
}

/// `{"nextAfter","records"}`; `nextAfter` is left out on the last page.
extension RecordsResponse: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        Self.write(to: &writer, records: records, nextAfter: nextAfter)
    }

    /// The one place the keys of a records answer are written: for a ``RecordsResponse`` and for
    /// the server's answer, whose `records` are the stored canonical states (``RawJSON``).
    package static func write(to writer: inout CanonicalWriter, records: [some CanonicalEncodable], nextAfter: String?)
    {
        writer.object { writer in
            writer.field("nextAfter", ifPresent: nextAfter)
            writer.field("records", records)
        }
    }

    public init(from reader: inout CanonicalReader) throws {
        var records: [RecordState]?
        var nextAfter: String?
        try reader.object { reader, key in
            switch key {
            case "records": records = try reader.read()
            case "nextAfter": nextAfter = try reader.optional(String.self)
            default: try reader.skipValue()
            }
        }
        guard let records else { throw reader.missing("records") }
        self.init(records: records, nextAfter: nextAfter)
    }
}
