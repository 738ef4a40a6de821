import Foundation
import GridSyncAgent
import Shared

/// A one-line progress display on a terminal's stderr, and nothing at all when stderr is a file
/// or a pipe (a script, a test, cron), so logs stay clean.
final class ProgressBar: SyncProgress {
    private let enabled: Bool
    private let language: Language
    private var shown = false

    init(language: Language, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.language = language
        self.enabled = enabled
    }

    /// Redraws the line: a bar when the total is known, the text alone otherwise.
    func update(_ text: LocalizedText, done: Int?, total: Int?) {
        guard enabled else { return }
        var line = text.text(in: language)
        if let done, let total, total > 0 {
            let width = 24
            let filled = min(width, done * width / total)
            line =
                "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
                + "\(min(100, done * 100 / total))% " + line
        }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        shown = true
    }

    /// Ends the line so the summary starts on its own.
    func finish() {
        guard enabled, shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        shown = false
    }
}
