/// The compact identity of one replica: the server is replica 0, every enrolled agent gets the next number.
///
/// Compact ids keep version vectors small on the wire: a village laptop's clock is a handful of
/// small integers, not a list of UUIDs.
public struct ReplicaID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// The county server, which authors registrations, escalations and other server events.
    public static let server = ReplicaID(0)

    public static func < (lhs: ReplicaID, rhs: ReplicaID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "r\(rawValue)" }
}
