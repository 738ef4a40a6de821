/// The unique name of one operation: the replica that authored it and that replica's counter.
///
/// A replica's counter rises by one for every operation it authors, so a replica's operations are
/// numbered 1, 2, 3, … with no gaps. That lets the server acknowledge a whole prefix with one number
/// and recognise a retried operation by its dot alone.
///
/// Encoded as a two-element array `[replica, counter]` (``Dot/write(to:)``).
public struct Dot: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let replica: ReplicaID
    public let counter: UInt64

    public init(replica: ReplicaID, counter: UInt64) {
        self.replica = replica
        self.counter = counter
    }

    /// A dot read from outside: the replica a 32-bit id, the counter from 1 to ``WireLimits/maxCounter``.
    init(checkingReplica replica: UInt64, counter: UInt64) throws(ModelError) {
        guard let replica = UInt32(exactly: replica) else {
            throw .invalidValue(field: "dot", reason: .range(0...Int64(UInt32.max)))
        }
        guard (1...WireLimits.maxCounter).contains(counter) else {
            throw .invalidValue(field: "dot", reason: .range(1...Int64(WireLimits.maxCounter)))
        }
        self.init(replica: ReplicaID(replica), counter: counter)
    }

    public static func < (lhs: Dot, rhs: Dot) -> Bool {
        (lhs.replica, lhs.counter) < (rhs.replica, rhs.counter)
    }

    public var description: String { "\(replica.rawValue):\(counter)" }
}
