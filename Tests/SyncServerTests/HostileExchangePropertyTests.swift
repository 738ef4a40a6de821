import Foundation
import Hummingbird
import HummingbirdTesting
import RecordDigest
import Shared
import Testing

@testable import GridSyncServer

/// Thousands of hostile requests against the exchange: valid requests taken apart at random
/// (numbers at and around every bound, junk in every field, deep nesting, duplicated keys, forged
/// dots, contexts and scopes, cut and corrupted gzip). None may trap or get a 5xx; each answer is a
/// documented status; a refused batch writes nothing; and afterwards the same agent still syncs
/// and every row of the store reads back.
///
/// `GRIDSYNC_HOSTILE_CASES` sets the number of cases (10,000 by default), `GRIDSYNC_HOSTILE_SEED`
/// replays a run; the seed is printed.
@Suite struct HostileExchangePropertyTests {
    static let documented: Set<Int> = [200, 400, 401, 403, 409, 413, 422, 429, 503]

    @Test func hostileRequestsNeverTrapNeverFailTheServerAndWriteNothingWhenRefused() async throws {
        let environment = ProcessInfo.processInfo.environment
        let cases = environment["GRIDSYNC_HOSTILE_CASES"].flatMap(Int.init) ?? 10_000
        let seed = environment["GRIDSYNC_HOSTILE_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        print("HostileExchangePropertyTests: \(cases) cases, GRIDSYNC_HOSTILE_SEED=\(seed)")
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            var neighbour = try await fixture.enroll(grid: "c-1-2-1-1")
            neighbour.addHousehold()
            try await client.sync(&neighbour)
            let household = agent.addHousehold()
            let resident = agent.addResident(["householdId": .string(household.id)])
            let incident = agent.reportIncident()
            try await client.sync(&agent)
            var templates = Templates(
                fixture: fixture,
                agent: agent,
                household: household,
                resident: resident,
                incident: incident
            )

            var generator = HostileRequests(random: SplitMix64(seed: seed))
            var answers: [String: Int] = [:]
            for index in 0..<cases {
                fixture.clock.advance(by: 3)
                let template = try await templates.request(index)
                let tree = generator.mutate(JSONTree(template))
                let (body, gzip) = generator.body(tree)
                let before = try await fixture.database.storeDigest()
                let response = try await client.executeRequest(
                    uri: "/v1/sync",
                    method: .post,
                    headers: Wire.headers(token: agent.token, gzip: gzip),
                    body: ByteBuffer(bytes: body)
                )
                let status = response.status.code
                let code = (try? Wire.decode(ErrorBody.self, from: response))?.code.rawValue ?? "ok"
                answers["\(status) \(code)", default: 0] += 1
                guard Self.documented.contains(status), status < 500 else {
                    Issue.record(
                        "case \(index) (seed \(seed)) answered \(status) \(code) to \(tree.text.prefix(2_000))"
                    )
                    return
                }
                if status != 200 {
                    #expect(
                        try await fixture.database.storeDigest() == before,
                        "case \(index) (seed \(seed)): refused, yet the store changed"
                    )
                } else {
                    #expect(throws: Never.self) { try Wire.decode(SyncResponse.self, from: response) }
                }
            }
            print("HostileExchangePropertyTests answers: \(answers.sorted { $0.key < $1.key })")
            #expect(answers.keys.contains { $0.hasPrefix("200") }, "some mutations are harmless and stored")
            #expect(answers.count > 8, "the mutations reach many different refusals")

            // The same agent carries on, and every row reads back.
            let normal = try await templates.request(0)
            let answer = try await client.send(normal, token: agent.token)
            #expect(answer.status == .ok, "a normal exchange by the same agent still succeeds")
            try await ServerFixture.expectEveryRowReadsBack(fixture.database)
        }
    }

    /// Valid requests built from what the server holds now, so each mutation starts from
    /// something the server would store.
    struct Templates {
        let fixture: ServerFixture
        let agent: TestAgent
        let household: RecordKey
        let resident: RecordKey
        let incident: RecordKey

        func request(_ index: Int) async throws -> SyncRequest {
            let stored = try await fixture.stored(agent)
            let lastMilliseconds = try await fixture.database.lastClockReading(of: agent.id)?.wallMilliseconds ?? 0
            let hlc = HLCTimestamp(wallMilliseconds: max(fixture.clock.now, lastMilliseconds + 1))
            func operation(
                _ key: RecordKey,
                _ payload: SyncOperation.Payload,
                offset: UInt64 = 1
            ) async throws -> SyncOperation {
                SyncOperation(
                    dot: Dot(replica: agent.id, counter: stored.acknowledgedThrough + offset),
                    context: try await fixture.database.storedRecord(key)?.clock ?? VersionVector(),
                    hlc: HLCTimestamp(wallMilliseconds: hlc.wallMilliseconds, logical: UInt32(offset - 1)),
                    type: key.type,
                    id: key.id,
                    payload: payload
                )
            }
            let fresh = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: fixture.clock.now))
            let operations: [SyncOperation] =
                switch index % 6 {
                case 0:
                    [
                        try await operation(
                            fresh,
                            .create([
                                "gridId": .string("c-1-1-1-1"), "address": .string("一组9号"), "headName": .string("包新户"),
                            ])
                        )
                    ]
                case 1:
                    [try await operation(household, .set(["phone": .string("13800000001"), "note": .string("已核实")]))]
                case 2:
                    [
                        try await operation(
                            incident,
                            .event(IncidentEvent(action: .comment, node: "c-1-1-1-1", note: "跟进"))
                        )
                    ]
                case 3: [try await operation(resident, .add(field: "tags", element: "livingAlone"))]
                case 4:
                    [
                        try await operation(
                            RecordKey(type: .workLog, id: RecordID.make(nowMilliseconds: fixture.clock.now)),
                            .log([
                                "gridId": .string("c-1-1-1-1"), "date": .string("2026-11-29"), "text": .string("走访"),
                                "patrolMinutes": .integer(30),
                            ])
                        )
                    ]
                default:
                    [
                        try await operation(household, .set(["residenceType": .string("owned")])),
                        try await operation(resident, .remove(field: "tags", element: "livingAlone"), offset: 2),
                    ]
                }
            return SyncRequest(batchId: "hostile-\(index)", cursor: stored.cursor, operations: operations)
        }
    }
}

extension ServerFixture {
    /// The store is sound by its engine's own check, every agent, record and operation decodes,
    /// and the grid digests kept as records were written are those of the records as stored.
    static func expectEveryRowReadsBack(
        _ database: any SyncStore & StoreInspection,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        #expect(try await database.integrityProblems() == [], sourceLocation: sourceLocation)
        _ = try await database.agents()
        var expected: [String: UInt64] = [:]
        for record in try await database.storedRecords() {
            #expect(throws: Never.self, sourceLocation: sourceLocation) {
                try CanonicalJSON.decode(RecordState.self, from: record.state)
            }
            let digest = ScopeDigest.of(state: record.state)
            #expect(record.digest == digest, sourceLocation: sourceLocation)
            expected[record.gridId, default: 0] ^= digest
        }
        for operation in try await database.loggedOperations() {
            #expect(throws: Never.self, sourceLocation: sourceLocation) {
                try CanonicalJSON.decode(SyncOperation.self, from: operation.body)
            }
        }
        let kept = try await database.keptGridDigests()
        #expect(kept.filter { $0.value != 0 } == expected.filter { $0.value != 0 }, sourceLocation: sourceLocation)
    }
}
