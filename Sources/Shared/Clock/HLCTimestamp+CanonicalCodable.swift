/// `[milliseconds, logical]`: two numbers keep both parts exact for JavaScript readers.
extension HLCTimestamp: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) { writer.pair(wallMilliseconds, logical) }

    /// Exactly two numbers: milliseconds up to ``WireLimits/maxCounter``, a 32-bit logical part.
    public init(from reader: inout CanonicalReader) throws {
        let (milliseconds, logical) = try reader.pair()
        self = try HLCTimestamp(checkingMilliseconds: milliseconds, logical: logical)
    }
}
