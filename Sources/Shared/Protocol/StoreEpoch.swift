/// Which history of the county's store an answer comes from.
///
/// Every `sync-server backup` starts a new epoch in the live store (the next generation, with a
/// fresh random id), after the copy: a store restored from that backup presents the epoch the
/// copy was taken in, older than the one a laptop that synced since last saw. An agent sends the
/// last epoch it saw; the server answers `409 store_rolled_back` when that epoch is not in its
/// own history, and the agent sends again what the store lost (protocol/README.md, "A restored server").
public struct StoreEpoch: Hashable, Sendable {
    /// 1 for a new store, one more after each backup.
    public var generation: UInt64
    /// Random, so a store restored and then backed up again never repeats an epoch it left.
    public var id: String

    public init(generation: UInt64, id: String) {
        self.generation = generation
        self.id = id
    }

    /// The longest id accepted: 64 characters of `0-9 a-f`.
    public static let maxIdLength = 64

    static func isValidId(_ id: String) -> Bool {
        (1...maxIdLength).contains(id.utf8.count)
            && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// What a laptop recovered for a store restored from an older backup, reported once with the
/// exchange after `store_rolled_back` so the operator can count what no laptop held
/// (`sync-server recovery`). It changes no data: the operations themselves travel as usual.
public struct StoreRecovery: Hashable, Sendable {
    /// Acknowledged operations the laptop still kept and sent again.
    public var resent: UInt64
    /// Acknowledged operations the store lacks that the laptop no longer kept.
    public var lost: UInt64

    public init(resent: UInt64, lost: UInt64) {
        self.resent = resent
        self.lost = lost
    }
}
