import Foundation
import GridSyncServer
import Shared

/// A new server store in a temporary folder holding the demo county's grids and nothing else: where
/// the evening, ingest and exchange-cost benchmarks start, so that they measure the same store.
struct DemoGridStore {
    let folder: URL
    let database: SQLiteStore
    /// The clock reading the grids were added at, and the workload's operations are stamped with.
    let now: UInt64
    /// The county's level-4 grids, one agent's each.
    let groups: [GridNode]

    /// Creates the store in a folder named after `benchmark`; ``remove()`` deletes it.
    init(for benchmark: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gridsync-\(benchmark)-\(UUID().uuidString)"
        )
        database = try SQLiteStore.open(directory: folder.path)
        now = WallClock.nowMilliseconds()
        let grids = DemoCounty.grids()
        try database.addGrids(grids, actor: "bench", now: now)
        groups = grids.filter { $0.level == .group }
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
