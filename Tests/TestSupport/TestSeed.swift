import Foundation

/// The seed of a randomised test: `GRIDSYNC_TEST_SEED` when set (to replay a failure), else a
/// fresh one. Every such test prints it, so a failure in CI replays here.
public enum TestSeed {
    public static func fromEnvironment() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["GRIDSYNC_TEST_SEED"], let seed = UInt64(text) {
            return seed
        }
        return UInt64.random(in: 1...UInt64.max)
    }
}
