public import Foundation

/// A checksum of the records of a scope, so an agent and the server can tell that their copies
/// are byte-identical without sending them (protocol/README.md, "Verification").
///
/// Each record contributes the first 8 bytes of the SHA-256 of its stored state (`ScopeDigest.of`,
/// in the RecordDigest target), and a
/// scope's digest is the XOR of its records': order does not matter, a record's write changes it
/// by the XOR of the old and the new contribution, and the digest of a subtree is the XOR of its
/// grids'. So the server keeps one per grid up to date as it merges (a grid's digest changes with
/// every record written there), and an agent recomputes its own from what is on its disk.
public struct ScopeDigest: Hashable, Sendable {
    public private(set) var value: UInt64

    public init(_ value: UInt64 = 0) { self.value = value }

    /// Adds a record's contribution, or takes it out again (XOR is its own inverse).
    public mutating func toggle(_ contribution: UInt64) { value ^= contribution }

    /// The digest of disjoint sets of records together, such as a subtree's from its grids'.
    public init(combining digests: some Sequence<ScopeDigest>) {
        value = digests.reduce(0) { $0 ^ $1.value }
    }

    /// 16 lowercase hex digits, as on the wire.
    public var text: String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Reads the wire form; nil unless exactly 16 hex digits.
    public init?(text: String) {
        guard text.utf8.count == 16, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
            let value = UInt64(text, radix: 16)
        else { return nil }
        self.value = value
    }
}

/// One grid's digest in `GET /v1/digest`.
public struct GridDigest: Hashable, Sendable {
    public var id: String
    public var digest: String

    public init(id: String, digest: ScopeDigest) {
        self.id = id
        self.digest = digest.text
    }
}

/// `GET /v1/digest`: the digest of each grid of the agent's subtree that holds records, for an
/// agent whose digest of the whole scope differed, to find which grids to fetch again.
public struct DigestResponse: Hashable, Sendable {
    /// Sorted by id; grids without records are left out.
    public var grids: [GridDigest]

    public init(grids: [GridDigest]) { self.grids = grids }
}
