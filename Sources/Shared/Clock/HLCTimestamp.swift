/// A hybrid logical clock reading: wall-clock milliseconds plus a logical counter.
///
/// HLC readings stay close to real time, so people can read them, yet they still order every
/// event a replica has seen after the events it saw. GridSync uses them only to break ties
/// deterministically (the visible value of a conflict, the order of incident events), never to
/// decide what supersedes what: that is the version vectors' job.
///
/// Encoded as `[milliseconds, logical]`; two numbers keep both parts exact for JavaScript readers.
public struct HLCTimestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let wallMilliseconds: UInt64
    /// Distinguishes readings taken within the same millisecond.
    public let logical: UInt32

    public init(wallMilliseconds: UInt64, logical: UInt32 = 0) {
        self.wallMilliseconds = wallMilliseconds
        self.logical = logical
    }

    public static let zero = HLCTimestamp(wallMilliseconds: 0)

    public static func < (lhs: HLCTimestamp, rhs: HLCTimestamp) -> Bool {
        (lhs.wallMilliseconds, lhs.logical) < (rhs.wallMilliseconds, rhs.logical)
    }

    /// Seconds since 1970 as a `Double`, for converting to calendar dates.
    public var secondsSince1970: Double { Double(wallMilliseconds) / 1000 }

    public var description: String { "\(wallMilliseconds).\(logical)" }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        wallMilliseconds = try container.decode(UInt64.self)
        logical = try container.decode(UInt32.self)
        guard container.isAtEnd else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "An HLC timestamp has exactly two numbers."
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(wallMilliseconds)
        try container.encode(logical)
    }
}
