/// The XOR changes a batch of record writes makes to grid digests (``ScopeDigest``).
///
/// Above the engines, since the rules (``MergeBatch``) decide what a saved record changes: its old
/// contribution leaves the grid it stood in and its new one joins the grid it stands in. The
/// engine writes the gathered changes once per grid at the end of the batch.
struct GridDigestChanges {
    private(set) var byGrid: [String: UInt64] = [:]

    /// A record written: it stood in `old.grid` contributing `old.digest` (nil when new), and
    /// now stands in `grid` contributing `now`.
    mutating func record(from old: (grid: String, digest: UInt64)?, to grid: String, digest now: UInt64) {
        if let old { byGrid[old.grid, default: 0] ^= old.digest }
        byGrid[grid, default: 0] ^= now
    }
}
