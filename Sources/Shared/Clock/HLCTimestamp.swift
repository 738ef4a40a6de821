/// A hybrid logical clock reading: wall-clock milliseconds plus a logical counter.
///
/// HLC readings stay close to real time, so people can read them, yet they still order every
/// event a replica has seen after the events it saw. GridSync uses them only to break ties
/// deterministically (the visible value of a conflict, the order of incident events), never to
/// decide what supersedes what: that is the version vectors' job.
///
/// Encoded as `[milliseconds, logical]`; two numbers keep both parts exact for JavaScript readers.
public struct HLCTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let wallMilliseconds: UInt64
    /// Distinguishes readings taken within the same millisecond.
    public let logical: UInt32

    public init(wallMilliseconds: UInt64, logical: UInt32 = 0) {
        self.wallMilliseconds = wallMilliseconds
        self.logical = logical
    }

    public static let zero = HLCTimestamp(wallMilliseconds: 0)

    /// A reading from outside: milliseconds up to ``WireLimits/maxCounter``, the logical part 32 bits.
    init(checkingMilliseconds milliseconds: UInt64, logical: UInt64) throws(ModelError) {
        guard milliseconds <= WireLimits.maxCounter else {
            throw .invalidValue(field: "hlc", reason: .range(0...Int64(WireLimits.maxCounter)))
        }
        guard let logical = UInt32(exactly: logical) else {
            throw .invalidValue(field: "hlc", reason: .range(0...Int64(UInt32.max)))
        }
        self.init(wallMilliseconds: milliseconds, logical: logical)
    }

    public static func < (lhs: HLCTimestamp, rhs: HLCTimestamp) -> Bool {
        (lhs.wallMilliseconds, lhs.logical) < (rhs.wallMilliseconds, rhs.logical)
    }

    /// Seconds since 1970 as a `Double`, for converting to calendar dates.
    public var secondsSince1970: Double { Double(wallMilliseconds) / 1000 }

    public var description: String { "\(wallMilliseconds).\(logical)" }
}

/// Encodable as well, for one reason: `sync-server conflicts list --json` prints when each value
/// was written, as this form, from a view that Foundation encodes. The wire uses
/// ``write(to:)`` alone; the tests check that the two agree.
extension HLCTimestamp: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(wallMilliseconds)
        try container.encode(logical)
    }
}
