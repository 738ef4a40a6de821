/// A sparse map from replica to the highest counter seen from it: the causal context of a record.
///
/// A version vector summarises everything a replica had seen of one record when it wrote an
/// operation. The merge compares a stored value's ``Dot`` with a new operation's context: if the
/// context covers the dot, the writer saw that value and replaces it; otherwise the two are
/// concurrent and both are kept. Replicas deliver each record's operations in causal order, so
/// "counter ≤ entry" really means "seen".
///
/// Encoded as a JSON object whose keys are replica numbers, for example `{"0":4,"17":12}`;
/// entries at zero are never stored.
public struct VersionVector: Hashable, Sendable, CustomStringConvertible {
    /// How two vectors relate in the causal order.
    public enum Ordering: Sendable, Equatable {
        case equal, before, after, concurrent
    }

    public private(set) var entries: [ReplicaID: UInt64]

    public init() { entries = [:] }

    public init(_ entries: [ReplicaID: UInt64]) {
        self.entries = entries.filter { $0.value > 0 }
    }

    public subscript(replica: ReplicaID) -> UInt64 {
        entries[replica] ?? 0
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// True when the operation named by `dot` is part of this context.
    public func covers(_ dot: Dot) -> Bool {
        self[dot.replica] >= dot.counter
    }

    /// True when every entry of `other` is at or below this vector's entry.
    public func dominates(_ other: VersionVector) -> Bool {
        other.entries.allSatisfy { self[$0.key] >= $0.value }
    }

    public func compare(to other: VersionVector) -> Ordering {
        switch (dominates(other), other.dominates(self)) {
        case (true, true): .equal
        case (true, false): .after
        case (false, true): .before
        case (false, false): .concurrent
        }
    }

    /// Records that the operation `dot` has been seen.
    public mutating func add(_ dot: Dot) {
        if dot.counter > self[dot.replica] { entries[dot.replica] = dot.counter }
    }

    /// The least upper bound: everything seen by either vector.
    public mutating func formUnion(_ other: VersionVector) {
        for (replica, counter) in other.entries where counter > self[replica] {
            entries[replica] = counter
        }
    }

    public func union(_ other: VersionVector) -> VersionVector {
        var result = self
        result.formUnion(other)
        return result
    }

    public var description: String {
        "{" + entries.sorted { $0.key < $1.key }.map { "\($0.key.rawValue):\($0.value)" }.joined(separator: ",") + "}"
    }
}
