import Foundation
import GridSyncTestSupport
import Shared
import Testing

@testable import GridSyncServer

/// The hostile and broken clients of docs/robustness.md against a real `sync-server` process: for
/// every case the status and the stable code, then `/health`, then a normal exchange by the same
/// agent; and after a restart, the store's integrity check and a read of every agent, record and
/// operation. The table in docs/robustness.md names each case here.
@Suite(.timeLimit(.minutes(3))) struct RobustnessTests {
    /// One hostile request and the answer it must get.
    struct Case {
        let name: String
        let status: Int
        let code: ErrorCode
        let send: (LiveDaemon, inout TestAgent) async throws -> (status: Int, body: Data)
    }

    static func json(_ text: String) -> Data { Data(text.utf8) }

    /// The agent's next operation, forged: any payload, HLC and context, the counter it owes next.
    static func forged(
        _ agent: TestAgent,
        _ key: RecordKey,
        _ payload: SyncOperation.Payload,
        hlc: HLCTimestamp? = nil,
        context: VersionVector? = nil
    ) -> SyncRequest {
        let operation = SyncOperation(
            dot: Dot(replica: agent.id, counter: agent.replica.counter + 1),
            context: context ?? agent.replica.records[key]?.clock ?? VersionVector(),
            hlc: hlc ?? HLCTimestamp(wallMilliseconds: WallClock.nowMilliseconds() + 1, logical: 0),
            type: key.type,
            id: key.id,
            payload: payload
        )
        return SyncRequest(batchId: "forged", cursor: agent.cursor, operations: [operation])
    }

    /// A request's canonical JSON with `target` replaced: for bodies the Swift types cannot write.
    static func rewritten(_ request: SyncRequest, _ target: String, _ replacement: String) throws -> Data {
        let json = String(decoding: CanonicalJSON.encode(request), as: UTF8.self)
        precondition(json.contains(target), "no \(target) in \(json)")
        return Data(json.replacingOccurrences(of: target, with: replacement).utf8)
    }

    /// A case that sends `request` (the agent's own by default) with the text `target` of its
    /// JSON replaced by `replacement`.
    static func rewriting(
        _ name: String,
        _ status: Int,
        _ code: ErrorCode,
        _ target: @escaping @Sendable (TestAgent) -> String,
        _ replacement: String,
        request: @escaping @Sendable (TestAgent) -> SyncRequest = { $0.request() }
    ) -> Case {
        Case(name: name, status: status, code: code) { daemon, agent in
            try await daemon.sync(rewritten(request(agent), target(agent), replacement), token: agent.token)
        }
    }

    /// A forged note on the agent's household, stamped at `hlc` milliseconds when given.
    static func note(_ agent: TestAgent, hlc milliseconds: UInt64? = nil) -> SyncRequest {
        forged(
            agent,
            household(agent),
            .set(["note": .string("x")]),
            hlc: milliseconds.map { HLCTimestamp(wallMilliseconds: $0) }
        )
    }

    static func household(_ agent: TestAgent) -> RecordKey {
        agent.replica.records.keys.first { $0.type == .household }!
    }

    static func incident(_ agent: TestAgent) -> RecordKey {
        agent.replica.records.keys.first { $0.type == .incident }!
    }

    static var cases: [Case] {
        [
            // Numbers at and past their bounds.
            rewriting(
                "cursor above 2^63 - 1",
                422,
                .invalidValue,
                { #""cursor":\#($0.cursor)"# },
                #""cursor":9223372036854775808"#
            ),
            rewriting("cursor 2^53", 422, .invalidValue, { #""cursor":\#($0.cursor)"# }, #""cursor":9007199254740992"#),
            rewriting(
                "cursor 2^64",
                400,
                .malformedBody,
                { #""cursor":\#($0.cursor)"# },
                #""cursor":18446744073709551616"#
            ),
            rewriting("cursor negative", 400, .malformedBody, { #""cursor":\#($0.cursor)"# }, #""cursor":-1"#),
            rewriting(
                "dot counter 2^63",
                422,
                .invalidValue,
                { #""dot":[\#($0.id.rawValue),\#($0.replica.counter + 1)]"# },
                #""dot":[1,9223372036854775808]"#,
                request: { note($0) }
            ),
            rewriting(
                "replica id 2^32",
                422,
                .invalidValue,
                { #""dot":[\#($0.id.rawValue),"# },
                #""dot":[4294967296,"#,
                request: { note($0) }
            ),
            rewriting(
                "HLC milliseconds 2^53",
                422,
                .invalidValue,
                { _ in #""hlc":[7,0]"# },
                #""hlc":[9007199254740992,0]"#,
                request: { note($0, hlc: 7) }
            ),
            rewriting(
                "HLC logical 2^32",
                422,
                .invalidValue,
                { _ in #""hlc":[7,0]"# },
                #""hlc":[7,4294967296]"#,
                request: { note($0, hlc: 7) }
            ),
            rewriting(
                "context entry 2^53",
                422,
                .invalidValue,
                { _ in #""context":{"77":5}"# },
                #""context":{"77":9007199254740992}"#,
                request: {
                    forged($0, household($0), .set(["note": .string("x")]), context: VersionVector([ReplicaID(77): 5]))
                }
            ),
            rewriting(
                "protocolVersion 2^63",
                422,
                .invalidValue,
                { _ in #""protocolVersion":1"# },
                #""protocolVersion":9223372036854775808"#
            ),
            Case(name: "days 2^63 on an extension", status: 422, code: .invalidValue) { daemon, agent in
                let request = forged(
                    agent,
                    incident(agent),
                    .event(IncidentEvent(action: .requestExtension, node: agent.grid, note: "n", days: 3))
                )
                return try await daemon.sync(
                    rewritten(request, #""days":3"#, #""days":9223372036854775808"#),
                    token: agent.token
                )
            },
            // Structure.
            Case(name: "an unknown key nested 100,000 deep", status: 400, code: .malformedBody) { daemon, agent in
                let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
                return try await daemon.sync(
                    rewritten(agent.request(), #""batchId":"#, #""extra":\#(deep),"batchId":"#),
                    token: agent.token
                )
            },
            rewriting("a key twice", 400, .malformedBody, { #""cursor":\#($0.cursor)"# }, #""cursor":0,"cursor":0"#),
            Case(name: "1,001 operations in one batch", status: 413, code: .payloadTooLarge) { daemon, agent in
                var copy = agent
                for _ in 0...1000 { copy.addHousehold() }
                return try await daemon.sync(CanonicalJSON.encode(copy.request()), token: agent.token)
            },
            Case(name: "a string of 2 MB", status: 400, code: .malformedBody) { daemon, agent in
                let name = "包" + String(repeating: "\u{0301}", count: 1_000_000)
                let request = forged(agent, household(agent), .set(["headName": .string(name)]))
                return try await daemon.sync(CanonicalJSON.encode(request), token: agent.token)
            },
            Case(name: "a one-character name of 3,000 combining marks", status: 422, code: .invalidValue) {
                daemon,
                agent in
                let request = forged(
                    agent,
                    household(agent),
                    .set(["headName": .string("包" + String(repeating: "\u{0301}", count: 3_000))])
                )
                return try await daemon.sync(CanonicalJSON.encode(request), token: agent.token)
            },
            Case(name: "a batchId with a newline", status: 422, code: .invalidValue) { daemon, agent in
                try await daemon.sync(
                    rewritten(
                        agent.request(batchId: "b1"),
                        #""batchId":"b1""#,
                        #""batchId":"b1\n2026-12-01 info FORGED-LOG-LINE""#
                    ),
                    token: agent.token
                )
            },
            Case(name: "a batchId of 129 characters", status: 422, code: .invalidValue) { daemon, agent in
                try await daemon.sync(
                    CanonicalJSON.encode(agent.request(batchId: String(repeating: "b", count: 129))),
                    token: agent.token
                )
            },
            Case(name: "Content-Encoding br", status: 400, code: .malformedBody) { daemon, agent in
                try await daemon.send(
                    "POST",
                    "/v1/sync",
                    token: agent.token,
                    body: CanonicalJSON.encode(agent.request()),
                    headers: [("Content-Encoding", "br")]
                )
            },
            // Scope and the write paths.
            Case(name: "create re-sent for an existing household in another township", status: 422, code: .invalidValue)
            {
                daemon,
                agent in
                let request = forged(
                    agent,
                    household(agent),
                    .create(["gridId": .string("c-1-2-1-1"), "address": .string("二村"), "headName": .string("包")]),
                    context: VersionVector()
                )
                return try await daemon.sync(CanonicalJSON.encode(request), token: agent.token)
            },
            Case(name: "a resident in a household that does not exist", status: 400, code: .missingDependency) {
                daemon,
                agent in
                let resident = RecordKey(type: .resident, id: RecordID.make(nowMilliseconds: 2))
                let request = forged(
                    agent,
                    resident,
                    .create([
                        "gridId": .string(agent.grid), "name": .string("包"),
                        "householdId": .string(RecordID.make(nowMilliseconds: 3)),
                    ])
                )
                return try await daemon.sync(CanonicalJSON.encode(request), token: agent.token)
            },
            Case(name: "a household in another village's grid", status: 403, code: .outOfScope) { daemon, agent in
                let request = forged(
                    agent,
                    RecordKey(type: .household, id: RecordID.make(nowMilliseconds: 4)),
                    .create(["gridId": .string("c-1-2-1-1"), "address": .string("二村"), "headName": .string("包")])
                )
                return try await daemon.sync(CanonicalJSON.encode(request), token: agent.token)
            },
            rewriting(
                "an operation of another replica",
                422,
                .invalidValue,
                { #""dot":[\#($0.id.rawValue),"# },
                #""dot":[999,"#,
                request: { note($0) }
            ),
            Case(name: "a context naming operations the server never had", status: 400, code: .missingDependency) {
                daemon,
                agent in
                let request = forged(
                    agent,
                    household(agent),
                    .set(["note": .string("x")]),
                    context: VersionVector([ReplicaID(77): 5])
                )
                return try await daemon.sync(CanonicalJSON.encode(request), token: agent.token)
            },
            // Incident steps and clocks.
            Case(name: "the holder approves its own extension", status: 403, code: .notPermitted) { daemon, agent in
                let request = forged(
                    agent,
                    incident(agent),
                    .event(IncidentEvent(action: .approveExtension, node: agent.grid, days: 30))
                )
                return try await daemon.sync(CanonicalJSON.encode(request), token: agent.token)
            },
            Case(name: "the holder dispatches to itself", status: 403, code: .notPermitted) { daemon, agent in
                let request = forged(
                    agent,
                    incident(agent),
                    .event(IncidentEvent(action: .dispatch, node: agent.grid, target: agent.grid, note: "自派", days: 30))
                )
                return try await daemon.sync(CanonicalJSON.encode(request), token: agent.token)
            },
            Case(name: "a step for another node", status: 403, code: .notPermitted) { daemon, agent in
                let request = forged(
                    agent,
                    incident(agent),
                    .event(IncidentEvent(action: .yellowCard, node: "c-1", note: "督办"))
                )
                return try await daemon.sync(CanonicalJSON.encode(request), token: agent.token)
            },
            Case(name: "a step backdated before the registration", status: 422, code: .invalidValue) { daemon, agent in
                let request = forged(
                    agent,
                    incident(agent),
                    .event(IncidentEvent(action: .comment, node: agent.grid, note: "补记")),
                    hlc: HLCTimestamp(wallMilliseconds: 1)
                )
                return try await daemon.sync(CanonicalJSON.encode(request), token: agent.token)
            },
            Case(name: "a clock a day ahead", status: 422, code: .clockDrift) { daemon, agent in
                let request = forged(
                    agent,
                    household(agent),
                    .set(["note": .string("x")]),
                    hlc: HLCTimestamp(wallMilliseconds: WallClock.nowMilliseconds() + 86_400_000)
                )
                return try await daemon.sync(CanonicalJSON.encode(request), token: agent.token)
            },
            // Tokens and the other endpoints.
            Case(name: "no token", status: 401, code: .unauthorized) { daemon, agent in
                try await daemon.send(
                    "POST",
                    "/v1/sync",
                    token: nil,
                    body: Gzip.compress(CanonicalJSON.encode(agent.request())),
                    headers: [("Content-Encoding", "gzip")]
                )
            },
            Case(name: "a token of 60 KB", status: 401, code: .unauthorized) { daemon, agent in
                try await daemon.send("POST", "/v1/enroll", token: String(repeating: "g", count: 60_000))
            },
            Case(name: "a snapshot token that is not one", status: 400, code: .malformedBody) { daemon, agent in
                try await daemon.send(
                    "GET",
                    "/v1/snapshot?after=" + String(repeating: "%2C", count: 400),
                    token: agent.token
                )
            },
            Case(name: "a snapshot token with a cursor past 2^64", status: 400, code: .malformedBody) { daemon, agent in
                try await daemon.send(
                    "GET",
                    "/v1/snapshot?after=a%2Cb%2C%2C%2Chousehold%2F0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f%4018446744073709551616",
                    token: agent.token
                )
            },
        ]
    }

    @Test func everyHostileRequestIsRefusedAndTheDaemonAndTheAgentCarryOn() async throws {
        let daemon = try LiveDaemon()
        do {
            try await daemon.start()
            let enrolled = try await daemon.agent(grid: "c-1-1-1-1")
            var agent = TestAgent(
                replica: InMemoryReplica(replica: enrolled.replica),
                token: enrolled.token,
                grid: "c-1-1-1-1",
                clock: ManualClock(WallClock.nowMilliseconds()),
                cursor: enrolled.cursor
            )
            // Something to aim at: a household, and an incident the agent holds with an extension asked.
            agent.addHousehold()
            let incident = agent.reportIncident()
            try await Self.exchange(&agent, daemon)
            for step in [
                IncidentEvent(action: .sign, node: "c-1-1-1-1"),
                IncidentEvent(action: .requestExtension, node: "c-1-1-1-1", note: "需协调", days: 2),
            ] {
                agent.clock.advance(by: 1)
                agent.write(.event(step), to: incident)
            }
            try await Self.exchange(&agent, daemon)

            for hostile in Self.cases {
                let (status, body) = try await hostile.send(daemon, &agent)
                let error = try? CanonicalJSON.decode(ErrorBody.self, from: body)
                #expect(status == hostile.status, "\(hostile.name): answered \(status) \(error?.message ?? "")")
                #expect(
                    error?.code == hostile.code,
                    "\(hostile.name): \(error?.message ?? String(decoding: body.prefix(200), as: UTF8.self))"
                )
                #expect(await daemon.healthy(), "\(hostile.name): the daemon still answers /health")
                agent.clock.advance(by: 1)
                agent.addHousehold()
                try await Self.exchange(&agent, daemon, after: hostile.name)
            }
            #expect(
                !daemon.output().contains("\nFORGED-LOG-LINE") && !daemon.output().contains("\n2026-12-01 info FORGED"),
                "no forged log line"
            )

            // The daemon registers an incident whose report's clock reading is at the end of its logical part.
            let spare = try await daemon.agent(grid: "c-1-1-1-2")
            let report = SyncOperation(
                dot: Dot(replica: spare.replica, counter: 1),
                context: VersionVector(),
                hlc: HLCTimestamp(wallMilliseconds: WallClock.nowMilliseconds() + 60_000, logical: .max),
                type: .incident,
                id: RecordID.make(nowMilliseconds: 5),
                payload: .create([
                    "gridId": .string("c-1-1-1-2"), "category": .string("dispute"), "summary": .string("边界"),
                ])
            )
            let registered = try await daemon.sync(
                CanonicalJSON.encode(SyncRequest(batchId: "max-logical", cursor: spare.cursor, operations: [report])),
                token: spare.token
            )
            #expect(
                registered.status == 200,
                "registered: \(String(decoding: registered.body.prefix(300), as: UTF8.self))"
            )

            // After a restart every row reads back, and the agent carries on.
            _ = try await daemon.server?.stop(with: SIGTERM)
            try await ServerFixture.expectEveryRowReadsBack(try TestStore.open(directory: daemon.data))
            try await daemon.start()
            agent.addHousehold()
            try await Self.exchange(&agent, daemon, after: "the restart")
        } catch {
            await daemon.shutDown()
            throw error
        }
        await daemon.shutDown()
    }

    /// Past `http.maxConnections`, a connection waits in the backlog until another closes.
    @Test func connectionsPastTheCapWaitForAFreeOne() async throws {
        let daemon = try LiveDaemon(environment: ["SYNC_SERVER_HTTP_MAX_CONNECTIONS": "2"])
        do {
            try await daemon.start()
            try await Task.sleep(for: .milliseconds(600))  // the health probe's pooled connection closes
            var holders = [try LoopbackSocket(port: daemon.port), try LoopbackSocket(port: daemon.port)]
            try await Task.sleep(for: .milliseconds(300))
            let third = try LoopbackSocket(port: daemon.port)
            third.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(await third.awaitResponse(timeout: 1) == nil, "not served while two connections are open")
            holders.removeFirst()
            #expect(await third.awaitResponse(timeout: 5)?.hasPrefix("HTTP/1.1 200") == true, "served once one closes")
            _ = holders
        } catch {
            await daemon.shutDown()
            throw error
        }
        await daemon.shutDown()
    }

    /// One honest exchange, which must succeed.
    static func exchange(_ agent: inout TestAgent, _ daemon: LiveDaemon, after: String = "setup") async throws {
        let (status, body) = try await daemon.sync(CanonicalJSON.encode(agent.request()), token: agent.token)
        try #require(
            status == 200,
            "after \(after) a normal exchange answered \(status): \(String(decoding: body.prefix(300), as: UTF8.self))"
        )
        agent.accept(try CanonicalJSON.decode(SyncResponse.self, from: body))
    }
}
