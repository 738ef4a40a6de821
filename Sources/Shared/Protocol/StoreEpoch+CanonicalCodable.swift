/// `{"generation","id"}`.
extension StoreEpoch: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in
            writer.field("generation", generation)
            writer.field("id", id)
        }
    }

    /// The id must be 1 to ``maxIdLength`` lowercase hex digits.
    public init(from reader: inout CanonicalReader) throws {
        var generation: UInt64?
        var id: String?
        try reader.object { reader, key in
            switch key {
            case "generation": generation = try reader.counter("generation")
            case "id": id = try reader.string()
            default: try reader.skipValue()
            }
        }
        guard let generation else { throw reader.missing("generation") }
        guard let id else { throw reader.missing("id") }
        guard Self.isValidId(id) else { throw ModelError.invalidValue(field: "store", reason: .type) }
        self.init(generation: generation, id: id)
    }
}

/// `{"lost","resent"}`.
extension StoreRecovery: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in
            writer.field("lost", lost)
            writer.field("resent", resent)
        }
    }

    public init(from reader: inout CanonicalReader) throws {
        var resent: UInt64?
        var lost: UInt64?
        try reader.object { reader, key in
            switch key {
            case "resent": resent = try reader.counter("resent")
            case "lost": lost = try reader.counter("lost")
            default: try reader.skipValue()
            }
        }
        guard let resent else { throw reader.missing("resent") }
        guard let lost else { throw reader.missing("lost") }
        self.init(resent: resent, lost: lost)
    }
}
