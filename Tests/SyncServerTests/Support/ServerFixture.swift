import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import Synchronization
import Testing

@testable import GridSyncServer

/// A clock the test moves by hand: the server's `now` in milliseconds since 1970.
final class ManualClock: Sendable {
    private let milliseconds: Mutex<UInt64>

    init(_ start: UInt64 = 1_795_910_400_000) {  // 2026-11-29T08:00:00+08:00 (midnight UTC)
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
    /// Driven only through the server's verbs and checked only through ``StoreInspection``, so the
    /// tests run against whichever engine ``TestStore`` opens.
    let database: any SyncStore & StoreInspection
    var settings: ServerSettings
    let clock: ManualClock

    init(configure: (inout ServerSettings) -> Void = { _ in }) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gridsync-test-\(UUID().uuidString)")
        database = try TestStore.open(directory: directory.path)
        clock = ManualClock()
        settings = ServerSettings()
        settings.dataDirectory = directory.path
        settings.port = 0
        configure(&settings)
        try await database.addGrids(TestCounty.nodes, actor: "test", now: clock.now)
    }

    /// Enrolls an agent and marks its initial snapshot as taken, so it can sync at once
    /// (`snapshotTaken: false` leaves the initial snapshot pending, as a real enrollment does).
    func enroll(grid: String, snapshotTaken: Bool = true) async throws -> TestAgent {
        let (agent, token) = try await database.enroll(
            gridId: grid,
            name: nil,
            replica: nil,
            actor: "test",
            now: clock.now
        )
        if snapshotTaken { try await database.markSnapshotTaken(by: agent.replica) }
        return TestAgent(replica: InMemoryReplica(replica: agent.replica), token: token, grid: grid, clock: clock)
    }

    /// The daemon as `serve` builds it, logging only warnings unless a test passes its own logger.
    func application(logger: Logger = ServerFixture.quietLogger) throws -> some ApplicationProtocol {
        let clock = clock
        return try buildApplication(settings: settings, store: database, logger: logger, now: { clock.now })
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
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

    /// The agent's replica id, which its dots carry.
    var id: ReplicaID { replica.replica }

    /// Authors an operation now (server time, or the laptop's time `at`), applies it locally and queues it.
    @discardableResult
    mutating func write(_ payload: SyncOperation.Payload, to record: RecordKey, at time: UInt64? = nil) -> SyncOperation
    {
        let operation = replica.write(payload, to: record, now: time ?? clock.now)
        outbox.append(operation)
        return operation
    }

    /// Creates a valid household in `grid` (the agent's own by default).
    @discardableResult
    mutating func addHousehold(in grid: String? = nil, address: String = "一组1号") -> RecordKey {
        let key = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: clock.now))
        write(
            .create(["gridId": .string(grid ?? self.grid), "address": .string(address), "headName": .string("包测试")]),
            to: key
        )
        return key
    }

    /// Creates a valid resident in `grid` (the agent's own by default) with the given extra fields.
    @discardableResult
    mutating func addResident(
        in grid: String? = nil,
        name: String = "包测试",
        _ fields: [String: FieldValue] = [:]
    ) -> RecordKey {
        let key = RecordKey(type: .resident, id: RecordID.make(nowMilliseconds: clock.now))
        write(.create(fields.merging(["gridId": .string(grid ?? self.grid), "name": .string(name)]) { $1 }), to: key)
        return key
    }

    /// Reports a valid incident in `grid` (the agent's own by default).
    @discardableResult
    mutating func reportIncident(in grid: String? = nil, summary: String = "邻里纠纷") -> RecordKey {
        let key = RecordKey(type: .incident, id: RecordID.make(nowMilliseconds: clock.now))
        write(
            .create(["gridId": .string(grid ?? self.grid), "category": .string("dispute"), "summary": .string(summary)]
            ),
            to: key
        )
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
    static func gzipJSON(_ value: some CanonicalEncodable) -> ByteBuffer {
        ByteBuffer(bytes: Gzip.compress(CanonicalJSON.encode(value)))
    }

    /// The canonical JSON of `value` with each `target` text replaced, gzip-compressed: for bodies the Swift types cannot write.
    static func gzipJSON(
        _ value: some CanonicalEncodable,
        replacing replacements: KeyValuePairs<String, String>
    ) -> ByteBuffer {
        var json = String(decoding: CanonicalJSON.encode(value), as: UTF8.self)
        for (target, replacement) in replacements {
            precondition(json.contains(target), "the JSON has no \(target) to replace")
            json = json.replacingOccurrences(of: target, with: replacement)
        }
        return ByteBuffer(bytes: Gzip.compress(Data(json.utf8)))
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

    static func decode<Value: CanonicalDecodable>(_ type: Value.Type, from response: TestResponse) throws -> Value {
        try CanonicalJSON.decode(type, from: body(of: response))
    }
}

extension TestClientProtocol {
    /// One sync exchange for `agent`, which takes in the answer when it is a success.
    @discardableResult
    func sync(_ agent: inout TestAgent, batchId: String = UUID().uuidString.lowercased()) async throws -> SyncResponse {
        let response = try await executeRequest(
            uri: "/v1/sync",
            method: .post,
            headers: Wire.headers(token: agent.token),
            body: Wire.gzipJSON(agent.request(batchId: batchId))
        )
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
        let response = try await executeRequest(
            uri: "/v1/sync",
            method: .post,
            headers: Wire.headers(token: token, gzip: gzip),
            body: body
        )
        return (response.status, try Wire.decode(ErrorBody.self, from: response))
    }
}

extension TestClientProtocol {
    /// Sends `request` to `/v1/sync` as `token` and returns the raw answer.
    func send(_ request: SyncRequest, token: String?) async throws -> TestResponse {
        try await executeRequest(
            uri: "/v1/sync",
            method: .post,
            headers: Wire.headers(token: token),
            body: Wire.gzipJSON(request)
        )
    }

    /// `GET /v1/snapshot`, the first page or the page after `after` (passed URL-encoded, as the protocol asks).
    func snapshot(token: String?, after: String? = nil) async throws -> TestResponse {
        let query = after.map { "?after=" + $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! } ?? ""
        return try await executeRequest(
            uri: "/v1/snapshot" + query,
            method: .get,
            headers: Wire.headers(token: token, gzip: false),
            body: nil
        )
    }

    /// Every page of a snapshot for `token`, following `nextAfter` until it is absent.
    func snapshotPages(token: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [SnapshotPage]
    {
        var pages: [SnapshotPage] = []
        var after: String?
        repeat {
            let response = try await snapshot(token: token, after: after)
            try #require(response.status == .ok, "snapshot page \(pages.count + 1)", sourceLocation: sourceLocation)
            let page = try Wire.decode(SnapshotPage.self, from: response)
            pages.append(page)
            after = page.nextAfter
            try #require(pages.count < 1000, "snapshot paging never ends", sourceLocation: sourceLocation)
        } while after != nil
        return pages
    }

    /// Sends `body` to `/v1/sync` expecting the refusal `code` with `status`, and checks that the store did not change.
    @discardableResult
    func expectRefusal(
        _ code: ErrorCode,
        _ status: HTTPResponse.Status,
        token: String?,
        body: ByteBuffer,
        gzip: Bool = true,
        fixture: ServerFixture,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ErrorBody? {
        let before = try await fixture.storeState()
        let response = try await executeRequest(
            uri: "/v1/sync",
            method: .post,
            headers: Wire.headers(token: token, gzip: gzip),
            body: body
        )
        #expect(response.status == status, sourceLocation: sourceLocation)
        let error = try? Wire.decode(ErrorBody.self, from: response)
        #expect(
            error?.code == code,
            "answered \(response.status): \(error?.message ?? "no error body")",
            sourceLocation: sourceLocation
        )
        #expect(
            try await fixture.storeState() == before,
            "a refused request changes nothing",
            sourceLocation: sourceLocation
        )
        return error
    }

    /// As ``expectRefusal(_:_:token:body:gzip:fixture:sourceLocation:)`` for the agent's current request.
    @discardableResult
    func expectRefusal(
        _ code: ErrorCode,
        _ status: HTTPResponse.Status,
        for agent: TestAgent,
        fixture: ServerFixture,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ErrorBody? {
        try await expectRefusal(
            code,
            status,
            token: agent.token,
            body: Wire.gzipJSON(agent.request()),
            fixture: fixture,
            sourceLocation: sourceLocation
        )
    }
}

/// Everything an exchange can write, read back so a test can show that a refused request changed nothing.
struct StoreState: Equatable {
    let operations: [LoggedOperation]
    let records: [StoredRecord]
    let conflicts: [ConflictMark]
    let agents: [EnrolledAgent]
    /// The rest: assignments, record moves, the audit trail, the registry and server counters.
    let digest: StoreDigest
}

extension ServerFixture {
    func storeState() async throws -> StoreState {
        StoreState(
            operations: try await database.loggedOperations(),
            records: try await database.storedRecords(),
            conflicts: try await database.conflictMarks(),
            agents: try await database.agents(),
            digest: try await database.storeDigest()
        )
    }

    /// The agent as the server holds it (acknowledgement, cursor, pending resync).
    func stored(_ agent: TestAgent) async throws -> EnrolledAgent {
        try #require(try await database.agents().first { $0.replica == agent.id })
    }

    /// Every operation in the log, in sequence order.
    func storedOperations() async throws -> [SyncOperation] {
        try await database.loggedOperations().map { try CanonicalJSON.decode(SyncOperation.self, from: $0.body) }
    }

    /// The newest sequence number in the operation log.
    func latestSeq() async throws -> UInt64 {
        try await database.loggedOperations().last?.seq ?? 0
    }
}

/// A log handler that keeps every entry in memory, so a test can read what the server logged.
final class LogRecorder: Sendable {
    struct Entry: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: Logger.Metadata

        /// The message and every metadata key and value, as one text to search.
        var text: String {
            ([message] + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
        }
    }

    private let storage = Mutex<[Entry]>([])

    var entries: [Entry] { storage.withLock { $0 } }

    var logger: Logger {
        Logger(label: "test") { _ in Handler(recorder: self) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var all = metadata
            all.merge(metadataProvider?.get() ?? [:]) { $1 }
            all.merge(event.metadata ?? [:]) { $1 }
            let entry = Entry(level: event.level, message: event.message.description, metadata: all)
            recorder.storage.withLock { $0.append(entry) }
        }
    }
}

/// A sync exchange the server refused.
struct ExchangeFailure: Error {
    let status: HTTPResponse.Status
    let body: ErrorBody
}
