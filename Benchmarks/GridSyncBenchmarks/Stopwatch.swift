import Foundation

/// Wall-clock timing for benchmarks, and a sink that keeps the optimiser from removing measured work.
public enum Stopwatch {
    nonisolated(unsafe) private static var sink = 0

    public static func measure(_ body: () async throws -> Void) async rethrows -> Double {
        let start = ContinuousClock.now
        try await body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    public static func keep(_ value: Int) { sink &+= value }

    public static func format(_ rate: Double) -> String {
        rate >= 1_000_000 ? String(format: "%.2f M", rate / 1_000_000) : String(format: "%.0f", rate)
    }
}
