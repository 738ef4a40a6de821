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

    /// Starts the application on a free loopback port; returns the driver and the task serving it.
    static func start(
        database: SQLiteStore,
        concurrency: Int
    ) async throws -> (ExchangeDriver, Task<Void, any Error>) {
        var settings = ServerSettings()
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

    /// Sends one batch (or, with `empty`, the same agent's exchange with nothing to push); returns
    /// the latency and checks the answer acknowledges what was sent.
    func exchange(_ batch: EveningWorkload.Batch, empty: Bool = false) async throws -> Duration {
        let operations = empty ? [] : batch.operations
        var request = HTTPClientRequest(url: baseURL + "/v1/sync")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(batch.token)")
        request.headers.add(name: "Content-Encoding", value: "gzip")
        request.headers.add(name: "Accept-Encoding", value: "gzip")
        request.body = .bytes(
            ByteBuffer(
                bytes: Gzip.compress(
                    CanonicalJSON.encode(SyncRequest(batchId: batch.id, cursor: 0, operations: operations))
                )
            )
        )
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
        guard answer.acknowledgedThrough == operations.last?.dot.counter ?? 0 else {
            throw BenchmarkFailure("batch \(batch.id) not fully acknowledged")
        }
        return elapsed
    }

    /// `GET /health`: the server's no-op request, the baseline for exchange rates.
    func noop() async throws -> Duration {
        let start = ContinuousClock.now
        let response = try await client.execute(HTTPClientRequest(url: baseURL + "/health"), timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 1 << 16)
        return ContinuousClock.now - start
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
