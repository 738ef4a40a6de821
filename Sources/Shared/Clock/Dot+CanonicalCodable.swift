/// `[replica, counter]`, the shortest form that stays readable.
extension Dot: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) { writer.pair(replica.rawValue, counter) }

    /// Exactly two numbers: a 32-bit replica id and a counter from 1 to ``WireLimits/maxCounter``.
    public init(from reader: inout CanonicalReader) throws {
        let (replica, counter) = try reader.pair()
        self = try Dot(checkingReplica: replica, counter: counter)
    }
}
