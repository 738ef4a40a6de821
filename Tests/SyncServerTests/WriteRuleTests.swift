import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// Scope holds on every write path, and a replica's clock only moves forward: each refusal is
/// answered with its status and code and leaves the store as it was.
@Suite struct WriteRuleTests {
    /// A `create` re-sent for an existing household, with a grid in another township, would
    /// move it out of the sender's scope; records are created once.
    @Test func aCreateForAnExistingRecordIsRefused() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            let household = agent.addHousehold()
            try await client.sync(&agent)
            agent.write(
                .create(["gridId": .string("c-1-2-1-1"), "address": .string("二村1号"), "headName": .string("包测试")]),
                to: household
            )
            let error = try await client.expectRefusal(
                .invalidValue,
                .unprocessableContent,
                for: agent,
                fixture: fixture
            )
            #expect(error?.message.contains("already exists") == true)
            #expect(
                try await fixture.database.storedRecord(household)?.visibleValue(of: "gridId") == .string("c-1-1-1-1")
            )
        }
    }

    @Test func aWorkLogIsWrittenOnce() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            let log = RecordKey(type: .workLog, id: RecordID.make(nowMilliseconds: fixture.clock.now))
            let fields: [String: FieldValue] = [
                "gridId": .string("c-1-1-1-1"), "date": .string("2026-11-29"), "text": .string("走访5户"),
            ]
            agent.write(.log(fields), to: log)
            try await client.sync(&agent)
            agent.write(.log(fields.merging(["text": .string("改写")]) { $1 }), to: log)
            try await client.expectRefusal(.invalidValue, .unprocessableContent, for: agent, fixture: fixture)
        }
    }

    /// A resident's household must exist, and in the sender's scope, when the resident is
    /// created and whenever `householdId` is set. One that does not exist at all is what a forged
    /// client sends, or an honest one after a restore from an older backup: the batch is refused
    /// as waiting for it (`missing_dependency`). One that exists outside the sender's scope may
    /// have moved there after the worker saw it: the operation is set aside, the rest stored.
    @Test func aResidentsHouseholdMustExistInTheSendersScope() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            var other = try await fixture.enroll(grid: "c-1-2-1-1")
            let theirs = other.addHousehold()
            try await client.sync(&other)
            let mine = agent.addHousehold()
            agent.addResident(["householdId": .string(mine.id)])
            try await client.sync(&agent)

            var missing = agent
            missing.addResident(["householdId": .string(RecordID.make(nowMilliseconds: 1))])
            try await client.expectRefusal(.missingDependency, .badRequest, for: missing, fixture: fixture)

            let foreign = agent.addResident(["householdId": .string(theirs.id)])
            let resident = agent.addResident()
            agent.write(.set(["householdId": .string(theirs.id)]), to: resident)
            let batch = agent.request()
            let answer = try await client.sync(&agent)
            #expect(answer.acknowledgedThrough == 5, "all three are acknowledged")
            #expect(
                answer.setAside?.map(\.dot.counter) == [3, 5],
                "the two naming the other village's household are set aside"
            )
            #expect(answer.setAside?.allSatisfy { $0.code == "out_of_scope" } == true)
            #expect(try await fixture.database.storedRecord(foreign) == nil)
            #expect(
                try await fixture.database.storedRecord(resident)?.visibleValue(of: "householdId") == nil,
                "the resident, without it, is stored"
            )
            #expect(try await fixture.database.setAsideEntries(all: true).filter { $0.status == "pending" }.count == 2)

            // A retry of the same batch, its answer lost, learns the same and stores nothing more.
            let before = try await fixture.database.storeDigest()
            let retried = try Wire.decode(SyncResponse.self, from: try await client.send(batch, token: agent.token))
            #expect(retried.setAside?.map(\.dot.counter) == [3, 5])
            #expect(try await fixture.database.setAsideEntries(all: true).count == 2, "set aside once")
            #expect(
                try await fixture.database.storeDigest().contents == before.contents,
                "only the agent's standing moves"
            )
        }
    }

    /// Scope is judged by what the author saw: an edit whose context does not cover the move of
    /// its household out of the author's grid merges with it; one whose context covers it is
    /// out of scope.
    @Test func anEditIsInScopeWhereTheRecordStoodWhenItsAuthorLastSawIt() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var group = try await fixture.enroll(grid: "c-1-1-1-1")
            var area = try await fixture.enroll(grid: "c-1-1-1")
            let household = group.addHousehold()
            try await client.sync(&group)
            try await client.sync(&area)
            area.write(.set(["gridId": .string("c-1-1-1-2")]), to: household)
            try await client.sync(&area)

            fixture.clock.advance(by: 1_000)
            group.write(.set(["phone": .string("13800000001")]), to: household)
            let answer = try await client.sync(&group)
            #expect(answer.acknowledgedThrough == 2, "the edit made before the group knew of the move is stored")
            #expect(
                try await fixture.database.storedRecord(household)?.visibleValue(of: "phone") == .string("13800000001")
            )
            #expect(
                group.replica.records[household]?.visibleValue(of: "gridId") == .string("c-1-1-1-2"),
                "and it learned of the move"
            )

            fixture.clock.advance(by: 1_000)
            group.write(.set(["phone": .string("13900000002")]), to: household)
            try await client.expectRefusal(.outOfScope, .forbidden, for: group, fixture: fixture)
        }
    }

    /// Where a record stood for an edit's author is what its context saw, not the order moves
    /// arrived in: a move the author saw that lost to a concurrent one the store had first (moves
    /// sent again in another order after a restore from an older backup) still places the record
    /// in the author's grid. Found by `ReplicaSchedulePropertyTests`.
    @Test func anEditIsJudgedByTheMoveItsAuthorSawWhateverOrderTheMovesArrivedIn() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var area = try await fixture.enroll(grid: "c-1-1-1")
            var township = try await fixture.enroll(grid: "c-1")
            var group = try await fixture.enroll(grid: "c-1-1-1-1")
            let household = area.addHousehold(in: "c-1-1-1-2")
            let created = area.outbox
            try await client.sync(&area)
            try await client.sync(&township)
            // The area moves it into the group; the township, later and unaware, to another
            // village, and it sends first: its move wins (the later reading) and is stored first.
            fixture.clock.advance(by: 1_000)
            let intoTheGroup = area.write(.set(["gridId": .string("c-1-1-1-1")]), to: household)
            fixture.clock.advance(by: 1_000)
            township.write(.set(["gridId": .string("c-1-2-1-1")]), to: household)
            try await client.sync(&township)
            try await client.sync(&area)
            #expect(
                try await fixture.database.storedRecord(household)?.visibleValue(of: "gridId") == .string("c-1-2-1-1")
            )

            // The group saw the area's move and not the township's.
            for operation in created + [intoTheGroup] { group.replica.receive(operation) }
            fixture.clock.advance(by: 1_000)
            group.write(.set(["phone": .string("13800000001")]), to: household)
            let answer = try await client.sync(&group)
            #expect(answer.acknowledgedThrough == 1)
            #expect(answer.setAside == nil)
            #expect(
                try await fixture.database.storedRecord(household)?.visibleValue(of: "phone") == .string("13800000001")
            )
        }
    }

    /// An edit whose context saw none of its record's grid writes (a copied laptop, enrolled again,
    /// renumbers its edits of a record that left its grid and drops the old identity's part of
    /// their contexts) is judged where the record was created, as an edit that saw no move is.
    @Test func anEditWhoseContextSawNoGridWriteIsJudgedWhereTheRecordWasCreated() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var group = try await fixture.enroll(grid: "c-1-1-1-1")
            var township = try await fixture.enroll(grid: "c-1")
            let household = group.addHousehold()
            try await client.sync(&group)
            try await client.syncFully(&township)
            fixture.clock.advance(by: 1_000)
            township.write(.set(["gridId": .string("c-1-2-1-1")]), to: household)
            try await client.sync(&township)

            fixture.clock.advance(by: 1_000)
            let renumbered = SyncOperation(
                dot: Dot(replica: group.id, counter: 2),
                context: VersionVector(),
                hlc: HLCTimestamp(wallMilliseconds: fixture.clock.now),
                type: household.type,
                id: household.id,
                payload: .set(["note": .string("换机后补记")])
            )
            let response = try await client.send(
                SyncRequest(batchId: "renumbered", cursor: group.cursor, operations: [renumbered]),
                token: group.token
            )
            #expect(response.status == .ok)
            #expect(try Wire.decode(SyncResponse.self, from: response).acknowledgedThrough == 2)
            #expect(try await fixture.database.storedRecord(household)?.visibleValue(of: "note") == .string("换机后补记"))
        }
    }

    /// A dot sent again must name what it named the first time, in the log or, once compaction
    /// dropped it, by its digest: the same operation is acknowledged again (a retry), another is
    /// a copied laptop's (`replica_copied`, nothing written).
    @Test func aDotSentAgainWithOtherContentIsACopiedLaptopsEvenAfterCompaction() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            var copy = agent
            agent.addHousehold(address: "一组1号")
            let retry = agent.request()
            try await client.sync(&agent)
            copy.addHousehold(address: "一组9号")
            for compacted in [false, true] {
                if compacted {
                    fixture.clock.advance(by: 2 * 86_400_000)
                    #expect(
                        try await fixture.database.compact(retentionMilliseconds: 86_400_000, now: fixture.clock.now)
                            == 1
                    )
                    #expect(try await fixture.database.compactedDots().count == 1)
                }
                // Both come with the agent's cursor: an older one would be sent to resync first.
                copy.cursor = agent.cursor
                let again = SyncRequest(batchId: retry.batchId, cursor: agent.cursor, operations: retry.operations)
                #expect(
                    try await client.send(again, token: agent.token).status == .ok,
                    "a retry (compacted: \(compacted))"
                )
                let error = try await client.expectRefusal(.replicaCopied, .conflict, for: copy, fixture: fixture)
                #expect(error?.dots?.first?.counter == 1)
            }
        }
    }

    /// An incident's grid is where it happened: it is written once, with the report.
    @Test func anIncidentsGridCannotBeRewritten() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1")
            let incident = agent.reportIncident(in: "c-1-1-1-1")
            try await client.sync(&agent)
            agent.write(.set(["gridId": .string("c-1-1-1-2")]), to: incident)
            let error = try await client.expectRefusal(
                .invalidValue,
                .unprocessableContent,
                for: agent,
                fixture: fixture
            )
            #expect(error?.dots?.count == 1)
        }
    }

    /// A replica's readings strictly increase: one stamped before the same agent's last stored
    /// operation is refused, and so is one stamped before a step its context says it saw (a step
    /// slipped in before the county's registration).
    @Test func anOperationStampedBeforeWhatItsAuthorWroteOrSawIsRefused() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            let household = agent.addHousehold()
            let incident = agent.reportIncident()
            try await client.sync(&agent)
            let stored = try #require(try await fixture.database.storedRecord(incident))
            let register = try #require(stored.events.first { $0.event.action == .register })

            func operation(
                _ payload: SyncOperation.Payload,
                on key: RecordKey,
                hlc: HLCTimestamp,
                context: VersionVector
            )
                -> SyncRequest
            {
                let forged = SyncOperation(
                    dot: Dot(replica: agent.id, counter: 3),
                    context: context,
                    hlc: hlc,
                    type: key.type,
                    id: key.id,
                    payload: payload
                )
                return SyncRequest(batchId: "forged", cursor: agent.cursor, operations: [forged])
            }
            let householdClock = try #require(try await fixture.database.storedRecord(household)).clock
            let earlier = operation(
                .set(["note": .string("回到过去")]),
                on: household,
                hlc: HLCTimestamp(wallMilliseconds: 1),
                context: householdClock
            )
            let refused = try await client.expectRefusal(
                .invalidValue,
                .unprocessableContent,
                token: agent.token,
                body: Wire.gzipJSON(earlier),
                fixture: fixture
            )
            #expect(refused?.message.contains("stamped earlier") == true)
            let backdated = operation(
                .event(IncidentEvent(action: .selfClose, node: "c-1-1-1-1")),
                on: incident,
                hlc: HLCTimestamp(wallMilliseconds: register.hlc.wallMilliseconds, logical: register.hlc.logical),
                context: stored.clock
            )
            let slipped = try await client.expectRefusal(
                .invalidValue,
                .unprocessableContent,
                token: agent.token,
                body: Wire.gzipJSON(backdated),
                fixture: fixture
            )
            #expect(slipped?.message.contains("stamped earlier") == true)
        }
    }

    @Test func anIncidentStepForAnotherNodeIsNotPermitted() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            let incident = agent.reportIncident()
            try await client.sync(&agent)
            agent.write(.event(IncidentEvent(action: .approveExtension, node: "c-1", days: 30)), to: incident)
            try await client.expectRefusal(.notPermitted, .forbidden, for: agent, fixture: fixture)
        }
    }

    /// One batch may not hold the single writer: past `sync.maxBatchOperations` it is refused whole.
    @Test func aBatchOverTheOperationLimitIsPayloadTooLarge() async throws {
        let fixture = try await ServerFixture { $0.maxBatchOperations = 5 }
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            for _ in 0..<6 { agent.addHousehold() }
            let error = try await client.expectRefusal(.payloadTooLarge, .contentTooLarge, for: agent, fixture: fixture)
            #expect(error?.message.contains("at most 5") == true)
            agent.outbox.removeLast()
            #expect(try await client.sync(&agent).acknowledgedThrough == 5)
        }
    }
}
