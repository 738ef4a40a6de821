import AsyncHTTPClient
import ConsoleSupport
import Foundation
import GridSyncServer
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Shared

/// Runs a real server in this process on a loopback port and drives exchanges at it over HTTP.
struct ExchangeDriver {
    let client: HTTPClient
    let baseURL: String

    /// Starts the application with `settings` on a free loopback port; returns the driver and the
    /// task serving it.
    static func start(
        database: SQLiteStore,
        concurrency: Int,
        settings: ServerSettings = ServerSettings()
    ) async throws -> (ExchangeDriver, Task<Void, any Error>) {
        var settings = settings
        settings.port = 0
        var logger = Logger(label: "gridsync.bench")
        logger.logLevel = .critical  // cancelling the server task at the end logs an error otherwise
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = try buildApplication(
            settings: settings,
            store: database,
            logger: logger,
            onListening: { portContinuation.yield($0) }
        )
        let server = Task { try await app.run() }
        var iterator = portStream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = concurrency
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        return (ExchangeDriver(client: client, baseURL: "http://127.0.0.1:\(port)"), server)
    }

    /// One exchange's request, encoded and compressed before any clock runs: a village laptop does
    /// that work, not the county server, so it stays out of what the benchmarks time and count.
    struct Exchange: Sendable {
        let batchId: String
        let token: String
        let body: ByteBuffer
        /// The acknowledgement a stored batch gets: its last counter (0 for an empty exchange).
        let acknowledges: UInt64
    }

    /// The exchange that pushes `batch` (or, with `empty`, the same agent's with nothing to push).
    static func prepare(_ batch: EveningWorkload.Batch, empty: Bool = false) throws -> Exchange {
        let operations = empty ? [] : batch.operations
        let json = CanonicalJSON.encode(SyncRequest(batchId: batch.id, cursor: 0, operations: operations))
        return Exchange(
            batchId: batch.id,
            token: batch.token,
            body: ByteBuffer(bytes: Gzip.compress(json)),
            acknowledges: operations.last?.dot.counter ?? 0
        )
    }

    /// Prepares and sends one batch; returns the latency (see ``send(_:)``).
    func exchange(_ batch: EveningWorkload.Batch, empty: Bool = false) async throws -> Duration {
        try await send(Self.prepare(batch, empty: empty))
    }

    /// Sends one prepared exchange; returns the latency and checks the answer acknowledges what was sent.
    func send(_ exchange: Exchange) async throws -> Duration {
        var request = HTTPClientRequest(url: baseURL + "/v1/sync")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(exchange.token)")
        request.headers.add(name: "Content-Encoding", value: "gzip")
        request.headers.add(name: "Accept-Encoding", value: "gzip")
        request.body = .bytes(exchange.body)
        let start = ContinuousClock.now
        let response = try await client.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 64 << 20)
        let elapsed = ContinuousClock.now - start
        let data = Data(body.readableBytesView)
        let json =
            response.headers.first(name: "Content-Encoding") == "gzip"
            ? try Gzip.decompress(data, limit: 1 << 30) : data
        guard response.status == .ok else { throw BenchmarkFailure(String(decoding: json, as: UTF8.self)) }
        let answer = try CanonicalJSON.decode(SyncResponse.self, from: json)
        guard answer.acknowledgedThrough == exchange.acknowledges else {
            throw BenchmarkFailure("batch \(exchange.batchId) not fully acknowledged")
        }
        return elapsed
    }

    /// Runs `count` calls of `work` with at most `concurrency` in flight; returns each latency and the wall time.
    static func run(
        count: Int,
        concurrency: Int,
        _ work: @escaping @Sendable (Int) async throws -> Duration
    ) async throws -> (latencies: [Duration], seconds: Double) {
        var latencies: [Duration] = []
        latencies.reserveCapacity(count)
        let seconds = try await Stopwatch.measure {
            try await withThrowingTaskGroup(of: Duration.self) { group in
                var next = 0
                while next < min(concurrency, count) {
                    let index = next
                    group.addTask { try await work(index) }
                    next += 1
                }
                while let latency = try await group.next() {
                    latencies.append(latency)
                    if next < count {
                        let index = next
                        group.addTask { try await work(index) }
                        next += 1
                    }
                }
            }
        }
        return (latencies, seconds)
    }

    func shutdown() async throws {
        try await client.shutdown()
    }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension [Duration] {
    /// The latency below which `fraction` of the samples fall, in milliseconds.
    func percentile(_ fraction: Double) -> Double {
        guard !isEmpty else { return 0 }
        let sorted = self.sorted()
        let value = sorted[Swift.min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
        return Double(value.components.seconds) * 1000 + Double(value.components.attoseconds) / 1e15
    }
}
