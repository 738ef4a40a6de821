import Dispatch
import Foundation
package import Shared

extension AgentDatabase {
    /// Stores a whole snapshot, page by page, writing each page while the next one is fetched and
    /// read: on a two-core laptop the download and the JSON of page N+1 overlap the SQLite
    /// transaction of page N, and at most two pages are in memory at once.
    ///
    /// - Parameters:
    ///   - first: the first page (it carries the grid tree, the calendar and the record count).
    ///   - next: fetches the page after a `nextAfter` token.
    ///   - stored: called after each page is committed, with the records stored so far.
    /// - Returns: how many records the snapshot held.
    package func storeSnapshot(
        first: SnapshotRows,
        next: (String) throws -> SnapshotRows,
        stored: (Int) -> Void = { _ in }
    ) throws -> Int {
        try beginSnapshot(grids: first.grids, calendar: first.calendar)
        let writer = PageWriter(database: self)
        var page = first
        var count = 0
        while true {
            try writer.submit(page.rows)  // once the page before is committed
            if count > 0 { stored(count) }
            count += page.rows.count
            guard let after = page.nextAfter else { break }
            page = try next(after)
        }
        try writer.finish()
        stored(count)
        try finishSnapshot(cursor: page.cursor)
        return count
    }
}

/// One page transaction in flight on its own queue; the next submission waits for it and
/// reports its failure, so a page is never lost silently and never two are written at once.
private final class PageWriter: @unchecked Sendable {
    private let database: AgentDatabase
    private let queue = DispatchQueue(label: "gridsync.snapshot-writer")
    private let group = DispatchGroup()
    /// Set by the queue, read after `group.wait()`.
    private var failure: (any Error)?

    init(database: AgentDatabase) { self.database = database }

    func submit(_ rows: [SnapshotRows.Row]) throws {
        try finish()
        queue.async(group: group) { [self] in
            do { try database.storeSnapshotPage(rows) } catch { failure = error }
        }
    }

    /// Waits for the page in flight and rethrows its failure.
    func finish() throws {
        group.wait()
        if let failure { throw failure }
    }
}
