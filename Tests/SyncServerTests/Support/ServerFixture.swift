import Foundation
import GRDB
import HummingbirdTesting
import Hummingbird
import Logging
import Shared
import Synchronization

@testable import SyncServer

/// A clock the test moves by hand: the server's `now` in milliseconds since 1970.
final class ManualClock: Sendable {
    private let milliseconds: Mutex<UInt64>

    init(_ start: UInt64 = 1_795_910_400_000) {  // 2026-11-29T00:00:00+08:00
        milliseconds = Mutex(start)
    }

    var now: UInt64 { milliseconds.withLock { $0 } }

    func advance(by delta: UInt64) { milliseconds.withLock { $0 += delta } }
}

/// A small county for server tests: two villages under one township, and a department.
///
///     c (county)
///     ├── c-dept (department)
///     └── c-1 (township)
///         ├── c-1-1 (village) ── c-1-1-1 (area) ── c-1-1-1-1, c-1-1-1-2 (groups)
///         └── c-1-2 (village) ── c-1-2-1 (area) ── c-1-2-1-1 (group)
enum TestCounty {
    static let nodes: [GridNode] = [
        GridNode(id: "c", parentID: nil, level: .county, name: "测试县", kind: .rural),
        GridNode(id: "c-dept", parentID: "c", level: .township, name: "测试部门", kind: .department),
        GridNode(id: "c-1", parentID: "c", level: .township, name: "测试乡", kind: .rural),
        GridNode(id: "c-1-1", parentID: "c-1", level: .village, name: "一村", kind: .rural),
        GridNode(id: "c-1-1-1", parentID: "c-1-1", level: .committee, name: "一村一片", kind: .rural),
        GridNode(id: "c-1-1-1-1", parentID: "c-1-1-1", level: .group, name: "一村一组", kind: .rural),
        GridNode(id: "c-1-1-1-2", parentID: "c-1-1-1", level: .group, name: "一村二组", kind: .rural),
        GridNode(id: "c-1-2", parentID: "c-1", level: .village, name: "二村", kind: .rural),
        GridNode(id: "c-1-2-1", parentID: "c-1-2", level: .committee, name: "二村一片", kind: .rural),
        GridNode(id: "c-1-2-1-1", parentID: "c-1-2-1", level: .group, name: "二村一组", kind: .rural),
    ]
}

/// A server store in its own temporary folder, with the test county loaded and a movable clock.
struct ServerFixture {
    let directory: URL
    let database: ServerDatabase
    var settings: ServerSettings
    let clock: ManualClock

    init(configure: (inout ServerSettings) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gridsync-test-\(UUID().uuidString)")
        database = try ServerDatabase.open(directory: directory.path)
        clock = ManualClock()
        settings = ServerSettings()
        settings.dataDirectory = directory.path
        settings.port = 0
        configure(&settings)
        try database.addGrids(TestCounty.nodes, actor: "test", now: clock.now)
    }

    /// Enrolls an agent and marks its initial snapshot as taken, so it can sync at once.
    func enroll(grid: String) throws -> TestAgent {
        let (agent, token) = try database.enroll(gridId: grid, name: nil, actor: "test", now: clock.now)
        try database.writer.write { db in
            try db.execute(sql: "UPDATE agent SET resyncRequestedAt = NULL, resyncReason = NULL WHERE replica = ?", arguments: [agent.replica.rawValue])
        }
        return TestAgent(replica: InMemoryReplica(replica: agent.replica), token: token, grid: grid, clock: clock)
    }

    func application(logger: Logger = Logger(label: "test")) throws -> some ApplicationProtocol {
        let clock = clock
        return try buildApplication(settings: settings, database: database, logger: logger, now: { clock.now })
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// An agent as the tests drive it: an in-memory replica, an outbox and a cursor.
struct TestAgent {
    var replica: InMemoryReplica
    let token: String
    let grid: String
    let clock: ManualClock
    var outbox: [SyncOperation] = []
    var cursor: UInt64 = 0

    /// Authors an operation now (server time), applies it locally and queues it.
    @discardableResult
    mutating func write(_ payload: SyncOperation.Payload, to record: RecordKey) -> SyncOperation {
        let operation = replica.write(payload, to: record, now: clock.now)
        outbox.append(operation)
        return operation
    }

    /// Creates a valid household in `grid` (the agent's own by default).
    mutating func addHousehold(in grid: String? = nil, address: String = "一组1号") -> RecordKey {
        let key = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: clock.now))
        write(.create(["gridId": .string(grid ?? self.grid), "address": .string(address), "headName": .string("包测试")]), to: key)
        return key
    }

    func request(batchId: String = UUID().uuidString.lowercased()) -> SyncRequest {
        SyncRequest(batchId: batchId, cursor: cursor, operations: outbox)
    }

    /// Takes in an answer the way a real agent does: drop what is acknowledged, merge what was pulled, move the cursor.
    mutating func accept(_ response: SyncResponse) {
        outbox.removeAll { $0.dot.counter <= response.acknowledgedThrough }
        for operation in response.operations { replica.receive(operation) }
        cursor = response.cursor
    }
}

/// Wire helpers: gzip JSON in, gzip JSON out.
enum Wire {
    static func gzipJSON(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(bytes: Gzip.compress(try CanonicalJSON.encode(value)))
    }

    static func headers(token: String?, gzip: Bool = true) -> HTTPFields {
        var headers: HTTPFields = [.acceptEncoding: "gzip"]
        if gzip { headers[.contentEncoding] = "gzip" }
        if let token { headers[.authorization] = "Bearer \(token)" }
        return headers
    }

    /// The body of a response, inflated when it came gzip-compressed.
    static func body(of response: TestResponse) throws -> Data {
        let data = Data(response.body.readableBytesView)
        return response.headers[.contentEncoding] == "gzip" ? try Gzip.decompress(data, limit: 1 << 30) : data
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from response: TestResponse) throws -> Value {
        try CanonicalJSON.decode(type, from: body(of: response))
    }
}

extension TestClientProtocol {
    /// One sync exchange for `agent`, which takes in the answer when it is a success.
    @discardableResult
    func sync(_ agent: inout TestAgent, batchId: String = UUID().uuidString.lowercased()) async throws -> SyncResponse {
        let response = try await executeRequest(
            uri: "/v1/sync", method: .post, headers: Wire.headers(token: agent.token), body: Wire.gzipJSON(agent.request(batchId: batchId)))
        guard response.status == .ok else {
            throw ExchangeFailure(status: response.status, body: try Wire.decode(ErrorBody.self, from: response))
        }
        let answer = try Wire.decode(SyncResponse.self, from: response)
        agent.accept(answer)
        return answer
    }

    /// Syncs until the server has nothing more for the agent.
    func syncFully(_ agent: inout TestAgent) async throws {
        while try await sync(&agent).hasMore {}
    }

    /// Sends a raw body to `/v1/sync` and returns the error body (the test expects a refusal).
    func refusal(token: String?, body: ByteBuffer, gzip: Bool = true) async throws -> (HTTPResponse.Status, ErrorBody) {
        let response = try await executeRequest(uri: "/v1/sync", method: .post, headers: Wire.headers(token: token, gzip: gzip), body: body)
        return (response.status, try Wire.decode(ErrorBody.self, from: response))
    }
}

/// A sync exchange the server refused.
struct ExchangeFailure: Error {
    let status: HTTPResponse.Status
    let body: ErrorBody
}
