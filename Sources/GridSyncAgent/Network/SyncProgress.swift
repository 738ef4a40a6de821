package import Shared

/// Where a sync reports how far it has got: a terminal's progress bar for `field-agent sync`, a
/// page for the worker's web app, nothing for a script.
package protocol SyncProgress {
    /// The step under way, with a count when the total is known.
    func update(_ text: LocalizedText, done: Int?, total: Int?)
    /// The sync is over; whatever shows it can make way for the summary.
    func finish()
}
