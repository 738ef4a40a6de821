import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// Every refusal of `POST /v1/sync` answers its status and stable code and leaves the store as it was.
///
/// Each test starts from an agent whose first household is already stored (acknowledged through 1),
/// so "nothing changed" is checked against a store that holds something.
@Suite struct RefusalTests {
    /// An agent at group c-1-1-1-1 with one household stored on the server.
    static func seededAgent(_ fixture: ServerFixture, _ client: some TestClientProtocol) async throws -> TestAgent {
        var agent = try await fixture.enroll(grid: "c-1-1-1-1")
        agent.addHousehold()
        try await client.sync(&agent)
        try #require(agent.outbox.isEmpty)
        return agent
    }

    // MARK: Bodies

    @Test func randomBytesMarkedGzipAreMalformedBody() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let agent = try await Self.seededAgent(fixture, client)
            var generator = SplitMix64(seed: 7)
            let noise = (0..<512).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            try await client.expectRefusal(
                .malformedBody,
                .badRequest,
                token: agent.token,
                body: ByteBuffer(bytes: noise),
                fixture: fixture
            )
        }
    }

    @Test func aGzipBodyCutInHalfIsMalformedBody() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            agent.addHousehold()
            let whole = Wire.gzipJSON(agent.request())
            let half = whole.getSlice(at: 0, length: whole.readableBytes / 2)!
            let error = try await client.expectRefusal(
                .malformedBody,
                .badRequest,
                token: agent.token,
                body: half,
                fixture: fixture
            )
            #expect(error?.message.contains("cut short") == true)
            #expect(try await fixture.stored(agent).acknowledgedThrough == 1)
        }
    }

    @Test func gzipOfSomethingElseThanJSONIsMalformedBody() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let agent = try await Self.seededAgent(fixture, client)
            let body = ByteBuffer(bytes: Gzip.compress(Data("this is not JSON".utf8)))
            try await client.expectRefusal(
                .malformedBody,
                .badRequest,
                token: agent.token,
                body: body,
                fixture: fixture
            )
        }
    }

    @Test func plainTextWithoutGzipIsMalformedBody() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let agent = try await Self.seededAgent(fixture, client)
            try await client.expectRefusal(
                .malformedBody,
                .badRequest,
                token: agent.token,
                body: ByteBuffer(string: "{"),
                gzip: false,
                fixture: fixture
            )
        }
    }

    @Test func jsonOfTheWrongShapeIsMalformedBody() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let agent = try await Self.seededAgent(fixture, client)
            for json in [
                #"{"batchId":"b"}"#, #"[]"#, #"{"batchId":"b","cursor":-1,"operations":[],"protocolVersion":1}"#,
            ] {
                let body = ByteBuffer(bytes: Gzip.compress(Data(json.utf8)))
                try await client.expectRefusal(
                    .malformedBody,
                    .badRequest,
                    token: agent.token,
                    body: body,
                    fixture: fixture
                )
            }
        }
    }

    @Test func aPlainJSONBodyIsAccepted() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            agent.addHousehold()
            let body = ByteBuffer(bytes: CanonicalJSON.encode(agent.request()))
            let response = try await client.executeRequest(
                uri: "/v1/sync",
                method: .post,
                headers: Wire.headers(token: agent.token, gzip: false),
                body: body
            )
            #expect(response.status == .ok)
            #expect(try Wire.decode(SyncResponse.self, from: response).acknowledgedThrough == 2)
        }
    }

    // MARK: Operations the server does not understand

    @Test func anUnknownOperationKindIsUnknownKind() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            agent.addHousehold()
            let body = Wire.gzipJSON(agent.request(), replacing: [#""kind":"create""#: #""kind":"upsert""#])
            try await client.expectRefusal(.unknownKind, .badRequest, token: agent.token, body: body, fixture: fixture)
        }
    }

    @Test func anUnknownKeyInAnOperationIsUnknownField() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            agent.addHousehold()
            let body = Wire.gzipJSON(
                agent.request(),
                replacing: [#""kind":"create""#: #""colour":"red","kind":"create""#]
            )
            let error = try await client.expectRefusal(
                .unknownField,
                .badRequest,
                token: agent.token,
                body: body,
                fixture: fixture
            )
            #expect(error?.message.contains("colour") == true)
        }
    }

    @Test func aKeyOfAnotherKindIsUnknownField() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            let household = try #require(agent.replica.records.keys.first)
            agent.write(.tombstone, to: household)
            let body = Wire.gzipJSON(
                agent.request(),
                replacing: [#""kind":"tombstone""#: #""element":"x","kind":"tombstone""#]
            )
            try await client.expectRefusal(.unknownField, .badRequest, token: agent.token, body: body, fixture: fixture)
        }
    }

    @Test func anUnknownIncidentActionIsUnknownKind() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            let incident = agent.reportIncident()
            try await client.sync(&agent)
            agent.write(.event(IncidentEvent(action: .comment, note: "已电话联系")), to: incident)
            let body = Wire.gzipJSON(agent.request(), replacing: [#""action":"comment""#: #""action":"bless""#])
            try await client.expectRefusal(.unknownKind, .badRequest, token: agent.token, body: body, fixture: fixture)
        }
    }

    @Test func anUnknownKeyInAnIncidentEventIsUnknownField() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            let incident = agent.reportIncident()
            try await client.sync(&agent)
            agent.write(.event(IncidentEvent(action: .comment, note: "已电话联系")), to: incident)
            let body = Wire.gzipJSON(
                agent.request(),
                replacing: [#""action":"comment""#: #""action":"comment","mood":"calm""#]
            )
            try await client.expectRefusal(.unknownField, .badRequest, token: agent.token, body: body, fixture: fixture)
        }
    }

    @Test func anUnknownFieldNameIsUnknownField() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            let household = try #require(agent.replica.records.keys.first)
            let operation = agent.write(.set(["colour": .string("red")]), to: household)
            let error = try await client.expectRefusal(.unknownField, .badRequest, for: agent, fixture: fixture)
            #expect(error?.dots == [operation.dot])
        }
    }

    @Test func anUnknownRecordTypeIsUnknownKind() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            agent.addHousehold()
            let body = Wire.gzipJSON(agent.request(), replacing: [#""type":"household""#: #""type":"barn""#])
            try await client.expectRefusal(.unknownKind, .badRequest, token: agent.token, body: body, fixture: fixture)
        }
    }

    // MARK: Values

    @Test func aWrongIDCheckDigitIsInvalidValue() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            let first17 = "11010519491231002"
            let right = try #require(ResidentIDNumber.checkCharacter(for: first17))
            let wrong: Character = right == "1" ? "2" : "1"
            agent.addResident(["idNumber": .string(first17 + String(wrong))])
            let operation = try #require(agent.outbox.last)
            let error = try await client.expectRefusal(
                .invalidValue,
                .unprocessableContent,
                for: agent,
                fixture: fixture
            )
            #expect(error?.dots == [operation.dot])
            #expect(error?.message.contains("idNumber") == true)
            #expect(error?.message.contains(first17) == false, "the refusal does not echo the ID number")
        }
    }

    @Test func aCreateInAGridThatDoesNotExistIsInvalidValue() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            agent.addHousehold(in: "c-9-9-9-9")
            let operation = try #require(agent.outbox.last)
            let error = try await client.expectRefusal(
                .invalidValue,
                .unprocessableContent,
                for: agent,
                fixture: fixture
            )
            #expect(error?.dots == [operation.dot])
            #expect(error?.message.contains("c-9-9-9-9") == true)
        }
    }

    /// Households and residents live in level-4 grids; a village agent cannot file one at the village.
    @Test func aHouseholdOutsideALevelFourGridIsInvalidValue() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var village = try await fixture.enroll(grid: "c-1-1")
            village.addHousehold(in: "c-1-1")
            let operation = try #require(village.outbox.last)
            let error = try await client.expectRefusal(
                .invalidValue,
                .unprocessableContent,
                for: village,
                fixture: fixture
            )
            #expect(error?.dots == [operation.dot])
            #expect(error?.message.contains("level-4") == true)
        }
    }

    @Test func aSetMovingAHouseholdToAGridThatDoesNotExistIsInvalidValue() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            let household = try #require(agent.replica.records.keys.first)
            let operation = agent.write(.set(["gridId": .string("c-9-9-9-9")]), to: household)
            let error = try await client.expectRefusal(
                .invalidValue,
                .unprocessableContent,
                for: agent,
                fixture: fixture
            )
            #expect(error?.dots == [operation.dot])
        }
    }

    @Test func aMissingRequiredFieldIsInvalidValue() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            let key = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: fixture.clock.now))
            agent.write(.create(["gridId": .string("c-1-1-1-1"), "address": .string("一组2号")]), to: key)
            try await client.expectRefusal(.invalidValue, .unprocessableContent, for: agent, fixture: fixture)
        }
    }

    @Test func aRefusalLateInABatchStoresNothingOfTheBatch() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            agent.addHousehold(address: "一组2号")
            agent.addHousehold(address: "一组3号")
            agent.addHousehold(in: "c-9-9-9-9")
            try await client.expectRefusal(.invalidValue, .unprocessableContent, for: agent, fixture: fixture)
            #expect(try await fixture.database.storedRecords().count == 1)
        }
    }

    // MARK: Clocks

    @Test func anHLCTooFarAheadIsClockDriftNamingOnlyThoseOperations() async throws {
        let fixture = try await ServerFixture { $0.maxDriftSeconds = 300 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            agent.addHousehold(address: "一组2号")
            let ahead = fixture.clock.now + 301_000
            let household = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: ahead))
            let drifted = agent.write(
                .create(["gridId": .string("c-1-1-1-1"), "address": .string("一组3号"), "headName": .string("包未来")]),
                to: household,
                at: ahead
            )
            let error = try await client.expectRefusal(.clockDrift, .unprocessableContent, for: agent, fixture: fixture)
            #expect(error?.dots == [drifted.dot], "only the drifted operation is named")
            #expect(
                try await fixture.stored(agent).acknowledgedThrough == 1,
                "the good operation before it is not stored either"
            )
        }
    }

    @Test func driftedOperationsAreAcceptedOnceTheServerCatchesUp() async throws {
        let fixture = try await ServerFixture { $0.maxDriftSeconds = 300 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            let household = try #require(agent.replica.records.keys.first)
            agent.write(.set(["phone": .string("13800000001")]), to: household, at: fixture.clock.now + 600_000)
            try await client.expectRefusal(.clockDrift, .unprocessableContent, for: agent, fixture: fixture)
            fixture.clock.advance(by: 300_000)
            let answer = try await client.sync(&agent)
            #expect(answer.acknowledgedThrough == 2)
        }
    }

    @Test func anHLCExactlyAtTheBoundIsAccepted() async throws {
        let fixture = try await ServerFixture { $0.maxDriftSeconds = 300 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            let household = try #require(agent.replica.records.keys.first)
            agent.write(.set(["phone": .string("13800000001")]), to: household, at: fixture.clock.now + 300_000)
            #expect(try await client.sync(&agent).acknowledgedThrough == 2)
        }
    }

    // MARK: Size limits

    @Test func aBodyOverTheCompressedLimitIsPayloadTooLarge() async throws {
        let fixture = try await ServerFixture { $0.maxBodyBytes = 2048 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            for index in 0..<60 { agent.addHousehold(address: "一组\(index)号 \(UUID().uuidString)") }
            let body = Wire.gzipJSON(agent.request())
            try #require(body.readableBytes > 2048)
            try await client.expectRefusal(
                .payloadTooLarge,
                .contentTooLarge,
                token: agent.token,
                body: body,
                fixture: fixture
            )
        }
    }

    @Test func aPlainBodyOverTheInflatedLimitIsPayloadTooLarge() async throws {
        let fixture = try await ServerFixture { $0.maxInflatedBytes = 4096 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            for index in 0..<60 { agent.addHousehold(address: "一组\(index)号") }
            let body = ByteBuffer(bytes: CanonicalJSON.encode(agent.request()))
            try #require(body.readableBytes > 4096)
            try await client.expectRefusal(
                .payloadTooLarge,
                .contentTooLarge,
                token: agent.token,
                body: body,
                gzip: false,
                fixture: fixture
            )
        }
    }

    @Test(.timeLimit(.minutes(1))) func aGzipBombIsPayloadTooLargeAndFast() async throws {
        let fixture = try await ServerFixture { $0.maxInflatedBytes = 1 << 20 }
        defer { fixture.remove() }
        let bomb = ByteBuffer(bytes: Self.gzipBomb)
        try #require(bomb.readableBytes < 8 << 20, "the bomb fits under the compressed limit")
        try await fixture.application().test(.router) { client in
            let agent = try await Self.seededAgent(fixture, client)
            let start = ContinuousClock.now
            try await client.expectRefusal(
                .payloadTooLarge,
                .contentTooLarge,
                token: agent.token,
                body: bomb,
                fixture: fixture
            )
            #expect(ContinuousClock.now - start < .seconds(2), "inflating stops at the limit")
        }
    }

    /// 200 MB of zeros, gzip-compressed to about 200 KB; made once for the whole run.
    static let gzipBomb = Gzip.compress(Data(count: 200 << 20), level: 9)

    // MARK: Tokens

    @Test func anUnknownTokenIsUnauthorized() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            agent.addHousehold()
            let body = Wire.gzipJSON(agent.request())
            try await client.expectRefusal(
                .unauthorized,
                .unauthorized,
                token: AgentToken.make(),
                body: body,
                fixture: fixture
            )
        }
    }

    @Test func aMissingAuthorizationIsUnauthorized() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            agent.addHousehold()
            try await client.expectRefusal(
                .unauthorized,
                .unauthorized,
                token: nil,
                body: Wire.gzipJSON(agent.request()),
                fixture: fixture
            )
        }
    }

    @Test func aTokenWithoutTheBearerSchemeIsUnauthorized() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            agent.addHousehold()
            var headers = Wire.headers(token: nil)
            headers[.authorization] = "Basic \(agent.token)"
            let before = try await fixture.storeState()
            let response = try await client.executeRequest(
                uri: "/v1/sync",
                method: .post,
                headers: headers,
                body: Wire.gzipJSON(agent.request())
            )
            #expect(response.status == .unauthorized)
            #expect(try await fixture.storeState() == before)
        }
    }

    @Test func aRevokedAgentIsUnauthorized() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            agent.addHousehold()
            try await fixture.database.revoke(agent.id, reason: "laptop stolen", actor: "test", now: fixture.clock.now)
            try await client.expectRefusal(.unauthorized, .unauthorized, for: agent, fixture: fixture)
        }
    }

    // MARK: Counters and authorship

    @Test func aGapInCountersIsMissingDependency() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            agent.addHousehold(address: "一组2号")
            let third = agent.addHousehold(address: "一组3号")
            agent.outbox.removeFirst()  // counter 2 never leaves the laptop
            #expect(agent.outbox.map(\.dot.counter) == [3])
            let error = try await client.expectRefusal(.missingDependency, .badRequest, for: agent, fixture: fixture)
            #expect(error?.dots == [Dot(replica: agent.id, counter: 3)])
            #expect(try await fixture.database.storedRecord(third) == nil)
        }
    }

    @Test func anEditOfARecordTheServerHasNotGotIsMissingDependency() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            let unknown = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: fixture.clock.now))
            agent.write(.set(["phone": .string("13800000001")]), to: unknown)
            try await client.expectRefusal(.missingDependency, .badRequest, for: agent, fixture: fixture)
        }
    }

    @Test func anOperationAuthoredByAnotherReplicaIsInvalidValue() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let agent = try await Self.seededAgent(fixture, client)
            var other = try await fixture.enroll(grid: "c-1-1-1-1")
            let foreign = other.write(
                .create(["gridId": .string("c-1-1-1-1"), "address": .string("一组9号"), "headName": .string("包他人")]),
                to: RecordKey(type: .household, id: RecordID.make(nowMilliseconds: fixture.clock.now))
            )
            let body = Wire.gzipJSON(SyncRequest(batchId: "foreign", cursor: agent.cursor, operations: [foreign]))
            let error = try await client.expectRefusal(
                .invalidValue,
                .unprocessableContent,
                token: agent.token,
                body: body,
                fixture: fixture
            )
            #expect(error?.dots == [foreign.dot])
        }
    }

    @Test func anAgentAuthoredRegisterEventIsInvalidValue() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            let incident = agent.reportIncident()
            try await client.sync(&agent)
            let forged = agent.write(
                .event(IncidentEvent(action: .register, registryNumber: "FM-20261129-999999")),
                to: incident
            )
            let error = try await client.expectRefusal(
                .invalidValue,
                .unprocessableContent,
                for: agent,
                fixture: fixture
            )
            #expect(error?.dots == [forged.dot])
        }
    }

    @Test func anUnsupportedProtocolVersionIsRefused() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            agent.addHousehold()
            var request = agent.request()
            request.protocolVersion = 2
            let error = try await client.expectRefusal(
                .unsupportedVersion,
                .badRequest,
                token: agent.token,
                body: Wire.gzipJSON(request),
                fixture: fixture
            )
            #expect(error?.dots == nil)
        }
    }

    @Test func everyErrorBodyHasBothLanguages() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await Self.seededAgent(fixture, client)
            agent.addHousehold(in: "c-1-2-1-1")
            let error = try await client.expectRefusal(.outOfScope, .forbidden, for: agent, fixture: fixture)
            #expect(error?.message.isEmpty == false)
            #expect(error?.messageZh.isEmpty == false)
            #expect(error?.message != error?.messageZh)
        }
    }
}
