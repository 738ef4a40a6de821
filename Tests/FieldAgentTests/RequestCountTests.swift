import Foundation
import GridSyncTestSupport
import Shared
import Testing

@testable import GridSyncAgent

/// The sync exchange is one round trip: an incremental sync whose outbox and news fit in one page
/// makes exactly one HTTP request, and so does a sync with nothing to do. Counted three ways: the
/// agent's own `requests` in `sync --json`, the server's `gridsync_sync_exchanges_total` and HTTP
/// request count in `/metrics`, and the connections a ``FaultProxy`` in between accepts.
@Suite struct RequestCountTests {
    @Test(.timeLimit(.minutes(2)))
    func anIncrementalSyncThatFitsInOnePageIsOneRequest() async throws {
        try await LiveCounty.with { county in
            let agent = try county.enroll(grid: "c-1-1-1-1")
            let first = try agent.addHousehold(grid: "c-1-1-1-1", address: "一组1号", head: "张三")
            try agent.sync()

            try Self.makeFiveEdits(agent, on: first)
            let meter = try ServerMeter(county.server.port)
            let summary = try Self.countedSync(agent)
            #expect(summary.requests == 1, "sync --json: \(summary)")
            #expect(summary.pushed == 5)
            #expect(summary.snapshotRecords == 0)
            let moved = try meter.since()
            #expect(moved.exchanges == 1, "the server answered \(moved.exchanges) sync exchanges")
            #expect(moved.httpRequests == 1, "the server answered \(moved.httpRequests) HTTP requests")
            #expect(moved.snapshotPages == 0)
            #expect(try agent.status().pendingOperations == 0)

            // Nothing to do: still one request.
            let idleMeter = try ServerMeter(county.server.port)
            let idle = try Self.countedSync(agent)
            #expect(idle.requests == 1, "sync --json with nothing to do: \(idle)")
            #expect(idle.pushed == 0)
            #expect(idle.pulled == 0)
            let idleMoved = try idleMeter.since()
            #expect(idleMoved.exchanges == 1)
            #expect(idleMoved.httpRequests == 1)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func throughAProxyAnIncrementalSyncIsOneConnectionCarryingOneExchange() async throws {
        try await LiveCounty.with { county in
            let proxy = try FaultProxy(upstreamPort: county.server.port)
            defer { proxy.stop() }
            let agent = try FaultLab.enroll(county, grid: "c-1-1-1-1", server: "http://127.0.0.1:\(proxy.port)")
            let other = try county.enroll(grid: "c-1-1-1")
            let first = try agent.addHousehold(grid: "c-1-1-1-1", address: "一组1号", head: "张三")
            try agent.sync()
            // News for the agent to pull in the same round trip.
            _ = try other.addHousehold(grid: "c-1-1-1-1", address: "一组2号", head: "李四")
            try other.sync()

            try Self.makeFiveEdits(agent, on: first)
            let connections = proxy.connections
            let meter = try ServerMeter(county.server.port)
            let summary = try Self.countedSync(agent)
            #expect(summary.requests == 1, "sync --json: \(summary)")
            #expect(summary.pushed == 5)
            #expect(summary.pulled == 1)
            let moved = try meter.since()
            #expect(
                proxy.connections - connections == 1,
                "the sync opened \(proxy.connections - connections) connections"
            )
            #expect(moved.exchanges == 1, "the server answered \(moved.exchanges) sync exchanges")
            #expect(moved.httpRequests == 1, "the server answered \(moved.httpRequests) HTTP requests")
            #expect(proxy.cutCount == 0)

            let idleConnections = proxy.connections
            let idleMeter = try ServerMeter(county.server.port)
            let idle = try Self.countedSync(agent)
            #expect(idle.requests == 1, "sync --json with nothing to do: \(idle)")
            #expect(idle.pushed == 0 && idle.pulled == 0)
            let idleMoved = try idleMeter.since()
            #expect(proxy.connections - idleConnections == 1)
            #expect(idleMoved.exchanges == 1)
            #expect(idleMoved.httpRequests == 1)

            let servers = try county.serverRecords(scope: "c-1-1-1-1")
            #expect(try agent.records() == servers)
        }
    }

    /// Five operations: a new household and four field changes.
    static func makeFiveEdits(_ agent: AgentDir, on household: String) throws {
        let second = try agent.addHousehold(grid: "c-1-1-1-1", address: "一组3号", head: "王五")
        try agent.update(household, set: ["note=门口有狗"])
        try agent.update(household, set: ["phone=13800000001"])
        try agent.update(second, set: ["note=新搬来"])
        try agent.update(second, set: ["status=movedAway"])
        #expect(try agent.status().pendingOperations == 5)
    }

    /// `field-agent sync --json --data-dir D`, which must exit 0.
    static func countedSync(
        _ agent: AgentDir,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws
        -> CountedSyncSummary
    {
        let synced = try agent.succeed(["sync", "--json"], sourceLocation: sourceLocation)
        return try JSONDecoder().decode(CountedSyncSummary.self, from: Data(synced.stdout.utf8))
    }
}

/// The server's counters at one moment, from `GET /metrics`, to tell what happened since.
private struct ServerMeter {
    let port: Int
    let exchanges: Double
    let snapshotPages: Double
    let httpRequests: Double

    struct Moved {
        let exchanges: Int
        let snapshotPages: Int
        /// HTTP requests answered, the meter's own `/metrics` requests left out.
        let httpRequests: Int
    }

    init(_ port: Int) throws {
        self.port = port
        let metrics = try FaultLab.metrics(port: port)
        func value(_ name: String) throws -> Double {
            guard let value = metrics[name] else {
                throw ServerProcessError("no \(name) in /metrics: \(metrics.keys.sorted())")
            }
            return value
        }
        exchanges = try value("gridsync_sync_exchanges_total")
        snapshotPages = try value("gridsync_snapshot_pages_total")
        httpRequests = try value("gridsync_http_request_duration_seconds_count")
    }

    func since() throws -> Moved {
        let now = try ServerMeter(port)
        // The request that read the first figures is timed, and counted, after it answered.
        return Moved(
            exchanges: Int(now.exchanges - exchanges),
            snapshotPages: Int(now.snapshotPages - snapshotPages),
            httpRequests: Int(now.httpRequests - httpRequests) - 1
        )
    }
}
