import Foundation
import Hummingbird
import Logging
import Prometheus
import Shared

/// The agents' endpoints: enrollment, the one-round-trip sync exchange, and resync snapshots.
struct SyncRoutes: Sendable {
    let store: any SyncStore
    let settings: ServerSettings
    let metrics: ServerMetrics
    /// The server's time in milliseconds since 1970; injected so tests can move it.
    let now: @Sendable () -> UInt64
    /// How many exchanges run at once, one per agent.
    let gate: ExchangeGate

    init(
        store: any SyncStore,
        settings: ServerSettings,
        metrics: ServerMetrics,
        now: @escaping @Sendable () -> UInt64
    ) {
        self.store = store
        self.settings = settings
        self.metrics = metrics
        self.now = now
        gate = ExchangeGate(capacity: settings.maxConcurrentExchanges, queueLimit: 4 * settings.maxConcurrentExchanges)
    }

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/enroll") { request, context in try await enroll(request, context) }
        router.post("/v1/sync") { request, context in try await sync(request, context) }
        router.get("/v1/snapshot") { request, context in try await snapshot(request, context) }
        router.post("/v1/records") { request, context in try await records(request, context) }
        router.get("/v1/digest") { request, context in try await digest(request, context) }
    }

    /// The digest of each grid of the agent's subtree, for an agent whose digest of the whole
    /// scope differed from the one its last exchange brought.
    func digest(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let agent = try await authenticate(request)
        let grids = try await store.gridDigests(for: agent)
        return WireBody.json(CanonicalJSON.encode(DigestResponse(grids: grids)), for: request)
    }

    /// The current states of some records of the agent's scope, for rebuilding them after one of
    /// its operations was set aside.
    func records(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let agent = try await authenticate(request)
        let body = try await WireBody.collect(request, settings: settings)
        let asked = try WireBody.decode(RecordsRequest.self, from: body, of: request, settings: settings)
        let after = try asked.after.map(Self.recordKey)
        if let grid = asked.grid {
            guard GridNode.isValidID(grid) else {
                throw APIError(
                    code: .malformedBody,
                    LocalizedText(
                        "A grid is named by its code: 1 to 64 letters, digits, '-' or '_'.",
                        zh: "网格须以其编码指定：1到64个字母、数字、“-”或“_”。"
                    )
                )
            }
            guard
                let page = try await store.records(
                    inGrid: grid,
                    after: after,
                    limit: RecordsRequest.maxKeys,
                    for: agent
                )
            else {
                throw APIError(
                    code: .outOfScope,
                    LocalizedText(
                        "The grid asked for does not exist or is not in this agent's area.",
                        zh: "所请求的网格不存在或不在本终端的辖区内。"
                    )
                )
            }
            return WireBody.json(ResponseJSON.records(page.states, nextAfter: page.nextAfter), for: request)
        }
        let states = try await store.records(try asked.keys.map(Self.recordKey), for: agent)
        return WireBody.json(ResponseJSON.records(states), for: request)
    }

    private static func recordKey(_ text: String) throws -> RecordKey {
        guard let key = RecordKey(pageKey: text) else {
            throw APIError(
                code: .malformedBody,
                LocalizedText(
                    "Each key names a record as type/id, for example household/0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f.",
                    zh: "每个键须写成 类型/编号，例如 household/0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f。"
                )
            )
        }
        return key
    }

    /// Confirms a token and tells the agent who it is.
    func enroll(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let agent = try await authenticate(request)
        let answer = EnrollResponse(
            replica: agent.replica,
            gridId: agent.gridId,
            agentName: agent.name,
            serverTime: now()
        )
        context.logger.info(
            "agent enrolled",
            metadata: ["sync.agent.replica": "\(agent.replica.rawValue)", "sync.agent.grid": "\(agent.gridId)"]
        )
        return WireBody.json(CanonicalJSON.encode(answer), for: request)
    }

    /// Push and pull in one round trip (protocol/README.md, "The sync exchange").
    func sync(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let agent = try await authenticate(request)
        let body = try await WireBody.collect(request, settings: settings)
        return try await gate.admit(agent.replica) { try await exchange(body, for: agent, request, context) }
    }

    private func exchange(
        _ body: ByteBuffer,
        for agent: EnrolledAgent,
        _ request: Request,
        _ context: BasicRequestContext
    ) async throws -> Response {
        let received = try WireBody.decode(ReceivedSyncRequest.self, from: body, of: request, settings: settings)
        let sent = received.request
        let time = now()
        let exchange = try await run { try settings.exchangeRules.check(received, from: agent, now: time) }
        let outcome = try await run { try await store.exchange(exchange) }
        let page = outcome.page
        metrics.exchanges.increment()
        metrics.operationsMerged.increment(by: Int64(outcome.stored + outcome.registered))
        metrics.conflictsOpened.increment(by: Int64(outcome.conflictsOpened))
        context.logger.info(
            "sync exchange",
            metadata: [
                "sync.agent.replica": "\(agent.replica.rawValue)", "sync.batch.id": .untrusted(sent.batchId),
                "sync.ops.received": "\(sent.operations.count)", "sync.ops.stored": "\(outcome.stored)",
                "sync.ops.setAside": "\(outcome.setAside.count)",
                "sync.ops.pulled": "\(page.operations.count)", "sync.conflicts.opened": "\(outcome.conflictsOpened)",
                "sync.cursor": "\(page.cursor)",
            ]
        )
        return WireBody.json(
            ResponseJSON.syncResponse(
                acknowledgedThrough: outcome.acknowledgedThrough,
                page: page,
                serverTime: time,
                setAside: outcome.setAside
            ),
            for: request
        )
    }

    /// One page of the agent's whole scope; `?after=TOKEN` (the previous page's `nextAfter`) asks for the next.
    func snapshot(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let agent = try await authenticate(request)
        var after: SnapshotPageToken?
        if let token = request.uri.queryParameters["after"] {
            guard let parsed = SnapshotPageToken(String(token)) else {
                throw APIError(
                    code: .malformedBody,
                    LocalizedText(
                        "The after parameter must be the nextAfter of the previous page, unchanged.",
                        zh: "after 参数必须原样使用上一页的 nextAfter。"
                    )
                )
            }
            after = parsed
        }
        let slice = try await store.snapshot(for: agent, after: after, limit: settings.snapshotPageSize, now: now())
        metrics.snapshotPages.increment()
        context.logger.info(
            "snapshot page",
            metadata: [
                "sync.agent.replica": "\(agent.replica.rawValue)", "sync.snapshot.records": "\(slice.records.count)",
            ]
        )
        return WireBody.json(ResponseJSON.snapshotPage(slice), for: request)
    }

    /// The unrevoked agent whose bearer token the request carries.
    private func authenticate(_ request: Request) async throws -> EnrolledAgent {
        // The scheme name is case-insensitive (RFC 7235); the token is not.
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
            let agent = try await store.agent(
                token: String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
            )
        else { throw APIError(ExchangeError.unauthorized) }
        return agent
    }

    /// Turns the store's refusals into error answers.
    private func run<Value>(_ body: () async throws -> Value) async throws -> Value {
        do { return try await body() } catch let error as ExchangeError { throw APIError(error) }
    }
}
