/// The protocol name, `"household"`.
extension RecordType: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) { writer.string(rawValue) }

    public init(from reader: inout CanonicalReader) throws { self = try reader.name(RecordType.self, "record type") }
}
