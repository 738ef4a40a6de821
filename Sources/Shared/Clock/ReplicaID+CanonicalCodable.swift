/// The replica's number.
extension ReplicaID: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) { writer.integer(rawValue) }

    public init(from reader: inout CanonicalReader) throws { self.init(try reader.integer(UInt32.self)) }
}
