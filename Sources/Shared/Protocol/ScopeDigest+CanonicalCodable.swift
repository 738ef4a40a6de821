/// `{"digest","id"}`, the digest as 16 lowercase hex digits.
extension GridDigest: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in
            writer.field("digest", digest)
            writer.field("id", id)
        }
    }

    public init(from reader: inout CanonicalReader) throws {
        var id: String?
        var digest: String?
        try reader.object { reader, key in
            switch key {
            case "id": id = try reader.string()
            case "digest": digest = try reader.string()
            default: try reader.skipValue()
            }
        }
        guard let id else { throw reader.missing("id") }
        guard let digest, let value = ScopeDigest(text: digest) else { throw reader.missing("digest") }
        self.init(id: id, digest: value)
    }
}

/// `{"grids":[…]}`, at most ``WireLimits/maxGridDigests`` of them.
extension DigestResponse: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in writer.field("grids", grids) }
    }

    public init(from reader: inout CanonicalReader) throws {
        var grids: [GridDigest]?
        try reader.object { reader, key in
            switch key {
            case "grids": grids = try reader.array(limit: WireLimits.maxGridDigests, GridDigest.init(from:))
            default: try reader.skipValue()
            }
        }
        guard let grids else { throw reader.missing("grids") }
        self.init(grids: grids)
    }
}
