import GridSyncAgent
import Shared

/// A sync that shows nothing, as tests drive the library without a terminal.
struct NoProgress: SyncProgress {
    func update(_ text: LocalizedText, done: Int?, total: Int?) {}
    func finish() {}
}
