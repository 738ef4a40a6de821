import Prometheus
import Shared

/// The daemon's metrics, served at `GET /metrics` in Prometheus text format.
///
/// Each application owns its registry (no process-wide bootstrap), so tests can run several
/// servers side by side and read each one's figures.
struct ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let exchanges: Counter
    let operationsMerged: Counter
    let conflictsOpened: Counter
    let snapshotPages: Counter
    let requestDuration: DurationHistogram

    init() {
        exchanges = registry.makeCounter(
            descriptor: Self.name("sync", "exchanges", "total", help: "Sync exchanges answered successfully.")
        )
        operationsMerged = registry.makeCounter(
            descriptor: Self.name("sync", "operations_merged", "total", help: "Operations stored and merged.")
        )
        conflictsOpened = registry.makeCounter(
            descriptor: Self.name("sync", "conflicts_opened", "total", help: "Field conflicts opened by merges.")
        )
        snapshotPages = registry.makeCounter(
            descriptor: Self.name("snapshot", "pages", "total", help: "Resync snapshot pages served.")
        )
        requestDuration = registry.makeDurationHistogram(
            descriptor: Self.name("http", "request_duration", "seconds", help: "Time to answer HTTP requests."),
            buckets: [
                .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
            ]
        )
    }

    /// Names follow `gridsync_<subsystem>_<name>_<unit>`.
    private static func name(
        _ subsystem: String,
        _ metric: String,
        _ unit: String,
        help: String
    ) -> MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "gridsync",
            subsystem: subsystem,
            metricName: metric,
            unitName: unit,
            helpText: help
        )
    }

    /// Counts an error answer by its stable code.
    func countError(_ code: ErrorCode) {
        registry.makeCounter(
            descriptor: Self.name("http", "errors", "total", help: "Error answers by code."),
            labels: [("code", code.rawValue)]
        ).increment()
    }

    /// The registry in Prometheus text exposition format.
    func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}
