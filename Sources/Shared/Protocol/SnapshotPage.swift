/// One page of a resync snapshot: the merged state of some records of the agent's scope.
///
/// `GET /v1/snapshot` returns the first page, which fixes the snapshot's ``cursor``; the agent then
/// asks for `?after=<nextAfter>` until ``hasMore`` is false. Pages are read from an index in
/// record-key order, so no request holds a whole scope in memory. A record may already include
/// operations after the cursor; the agent receives those again in its next sync and skips them as
/// duplicates, so the result is the same as a snapshot taken at one instant.
public struct SnapshotPage: Hashable, Sendable {
    /// Where incremental sync continues after the last page.
    public var cursor: UInt64
    /// The grid tree of the agent's scope (its node, the node's ancestors and its subtree); first page only.
    public var grids: [GridNode]
    public var records: [RecordState]
    /// The key to ask for the next page after; nil on the last page.
    public var nextAfter: String?
    /// How many records the whole snapshot holds, on the first page only: the agent's progress bar.
    public var recordCount: Int?
    /// The county's working-day calendar, on the first page only, so the agent counts deadlines
    /// as the server does.
    public var calendar: WorkCalendar?
    public var hasMore: Bool { nextAfter != nil }

    public init(
        cursor: UInt64,
        grids: [GridNode],
        records: [RecordState],
        nextAfter: String?,
        recordCount: Int? = nil,
        calendar: WorkCalendar? = nil
    ) {
        self.cursor = cursor
        self.grids = grids
        self.records = records
        self.nextAfter = nextAfter
        self.recordCount = recordCount
        self.calendar = calendar
    }
}
