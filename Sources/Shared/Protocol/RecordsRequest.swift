/// Asks the server for the current state of some records of the agent's scope
/// (`POST /v1/records`), named one by one or as every record of one grid, a page at a time.
///
/// After an operation was set aside, the agent rebuilds the records it touched from the server's
/// state and its own later edits (`keys`); after its digest differed from the server's, it
/// fetches again the grids whose digests differ (`grid`, then `after` for the next page).
public struct RecordsRequest: Hashable, Sendable {
    /// The most records one request may ask for, and one page of a grid holds.
    public static let maxKeys = 1_000

    /// Records named `type/id`, as in page tokens (`household/0193a5c2-…`); empty when `grid` is set.
    public var keys: [String]
    /// Every record whose grid is this one (a node of the agent's subtree).
    public var grid: String?
    /// With `grid`: the `nextAfter` of the previous page.
    public var after: String?

    public init(keys: [String]) { self.keys = keys }

    public init(grid: String, after: String?) {
        keys = []
        self.grid = grid
        self.after = after
    }
}

/// The server's answer: the states of the asked records that exist in the agent's scope.
public struct RecordsResponse: Hashable, Sendable {
    public var records: [RecordState]
    /// For a `grid` request: where the next page starts; nil on the last page.
    public var nextAfter: String?

    public init(records: [RecordState], nextAfter: String? = nil) {
        self.records = records
        self.nextAfter = nextAfter
    }
}
