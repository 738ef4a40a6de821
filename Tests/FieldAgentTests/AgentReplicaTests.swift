import Foundation
import GRDB
import Testing

@testable import GridSyncAgent
@testable import Shared

/// The laptop's replica on its own, without a server: causal delivery of pulled operations,
/// snapshots that keep local work, and edits that are wholly kept or not made.
@Suite struct AgentReplicaTests {
    static let grids = [
        GridNode(id: "c", parentID: nil, level: .county, name: "县", kind: .rural, linesOfWork: []),
        GridNode(id: "c-1", parentID: "c", level: .township, name: "乡", kind: .rural, linesOfWork: []),
        GridNode(id: "c-1-1", parentID: "c-1", level: .village, name: "村", kind: .rural, linesOfWork: []),
        GridNode(id: "c-1-1-1", parentID: "c-1-1", level: .committee, name: "片", kind: .rural, linesOfWork: []),
        GridNode(id: "c-1-1-1-1", parentID: "c-1-1-1", level: .group, name: "组", kind: .rural, linesOfWork: []),
    ]
    static let now: UInt64 = 1_795_900_000_000

    /// A laptop loses power: edits already saved must still be there, so every commit is flushed.
    @Test func everyEditIsFlushedToDiskBeforeTheCommandEnds() throws {
        let (database, folder) = try Self.replica()
        defer { try? FileManager.default.removeItem(at: folder) }
        let mode = try database.writer.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        #expect(mode == 2, "the writer runs with synchronous = FULL (2), not \(mode.map(String.init) ?? "nothing")")
    }

    /// A replica enrolled at c-1-1-1-1 as replica 5, with the grid tree and an empty first snapshot.
    static func replica() throws -> (AgentDatabase, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("agent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = try AgentDatabase.open(directory: folder.path)
        try database.enroll(
            ReplicaState(
                serverURL: "http://test",
                caFile: nil,
                enrollment: EnrollResponse(replica: ReplicaID(5), gridId: "c-1-1-1-1", agentName: "组", serverTime: now)
            )
        )
        try database.beginSnapshot(grids: grids, calendar: nil)
        try database.finishSnapshot(cursor: 0)
        return (database, folder)
    }

    static func household(_ id: String) -> RecordKey { RecordKey(type: .household, id: id) }

    /// The server's answer that acknowledges through `operation` and sets it aside.
    static func settingAside(_ operation: SyncOperation, code: String) -> SyncResponse {
        SyncResponse(
            acknowledgedThrough: operation.dot.counter,
            operations: [],
            cursor: 1,
            hasMore: false,
            serverTime: now,
            setAside: [SetAsideNotice(dot: operation.dot, code: code, message: LocalizedText("no", zh: "不行"))]
        )
    }

    static let homeFields: [String: FieldValue] = [
        "gridId": .string("c-1-1-1-1"), "address": .string("一组1号"), "headName": .string("包金山"),
    ]

    @Test func aPulledOperationWaitsForItsCauseThenApplies() throws {
        let (database, folder) = try Self.replica()
        defer { try? FileManager.default.removeItem(at: folder) }
        var other = InMemoryReplica(replica: ReplicaID(9))
        let key = Self.household(RecordID.make(nowMilliseconds: Self.now))
        let create = other.write(.create(Self.homeFields), to: key, now: Self.now)
        let edit = other.write(.set(["note": .string("东边")]), to: key, now: Self.now + 1)

        let late = try database.commit(
            SyncResponse(acknowledgedThrough: 0, operations: [edit], cursor: 2, hasMore: true, serverTime: Self.now),
            now: Self.now
        )
        #expect(late.applied == 0, "the edit waits: its record has not seen the create")
        #expect(throws: AgentError.noSuchRecord(key)) { try database.record(key) }

        let cause = try database.commit(
            SyncResponse(acknowledgedThrough: 0, operations: [create], cursor: 3, hasMore: false, serverTime: Self.now),
            now: Self.now
        )
        #expect(cause.applied == 2, "the create applies and releases the waiting edit")
        #expect(try database.record(key) == other.records[key])
        #expect(try database.replicaState().cursor == 3)
    }

    @Test func aSnapshotDropsWhatItDidNotHoldAndReplaysTheOutboxOnTop() throws {
        let (database, folder) = try Self.replica()
        defer { try? FileManager.default.removeItem(at: folder) }
        let gone = Self.household(RecordID.make(nowMilliseconds: Self.now))
        var server = InMemoryReplica(replica: ReplicaID(9))
        let goneCreated = server.write(.create(Self.homeFields), to: gone, now: Self.now)
        let shared = Self.household(RecordID.make(nowMilliseconds: Self.now + 1))
        let created = server.write(.create(Self.homeFields), to: shared, now: Self.now)
        _ = try database.commit(
            SyncResponse(
                acknowledgedThrough: 0,
                operations: [goneCreated, created],
                cursor: 1,
                hasMore: false,
                serverTime: Self.now
            ),
            now: Self.now
        )
        // Local work not yet acknowledged: an edit of the shared household and a new household.
        try database.author([.set(["note": .string("本机修改")])], on: shared, now: Self.now + 10)
        let mine = Self.household(RecordID.make(nowMilliseconds: Self.now + 11))
        try database.author([.create(Self.homeFields)], on: mine, now: Self.now + 11)

        #expect(try database.records(of: .household).count == 3)

        // The server's snapshot holds the shared household with a newer edit of another field,
        // and no longer the other one (it moved out of this grid, say).
        _ = server.write(.set(["phone": .string("13800000001")]), to: shared, now: Self.now + 20)
        try database.requireSnapshot()
        try database.beginSnapshot(grids: Self.grids, calendar: WorkCalendar())
        try database.storeSnapshotPage([SnapshotRows.Row(server.records[shared]!)])
        let replayed = try database.finishSnapshot(cursor: 7)

        #expect(replayed == 2)
        #expect(try database.pendingCount() == 2, "the outbox is untouched")
        let state = try database.record(shared)
        #expect(state.visibleValue(of: "note") == .string("本机修改"), "the local edit is replayed on top")
        #expect(state.visibleValue(of: "phone") == .string("13800000001"), "the server's newer edit is kept")
        #expect((try? database.record(mine)) != nil, "the household created here is back")
        #expect(try database.records(of: .household).count == 2, "a record the snapshot no longer holds is gone")
        #expect(try database.replicaState().cursor == 7)
        #expect(try database.replicaState().snapshotNeeded == false)
    }

    @Test func aCommandsEditsAreKeptTogetherOrNotAtAll() throws {
        let (database, folder) = try Self.replica()
        defer { try? FileManager.default.removeItem(at: folder) }
        let resident = RecordKey(type: .resident, id: RecordID.make(nowMilliseconds: Self.now))
        #expect(throws: ModelError.self) {
            try database.author(
                [
                    .create(["gridId": .string("c-1-1-1-1"), "name": .string("包银花")]),
                    .add(field: "phones", element: "12345"),
                ],
                on: resident,
                now: Self.now
            )
        }
        #expect(try database.pendingCount() == 0)
        #expect(throws: AgentError.noSuchRecord(resident)) { try database.record(resident) }
        #expect(try database.replicaState().counter == 0, "no counter is used up by a refused edit")

        #expect(throws: ModelError.self, "households live in level-4 grids") {
            try database.author(
                [.create(Self.homeFields.merging(["gridId": .string("c-1-1-1")]) { $1 })],
                on: Self.household(RecordID.make(nowMilliseconds: Self.now)),
                now: Self.now
            )
        }
    }

    @Test func anAcknowledgementDropsOnlyWhatItCovers() throws {
        let (database, folder) = try Self.replica()
        defer { try? FileManager.default.removeItem(at: folder) }
        for index in 0..<3 {
            try database.author(
                [.create(Self.homeFields)],
                on: Self.household(RecordID.make(nowMilliseconds: Self.now + UInt64(index))),
                now: Self.now
            )
        }
        let outcome = try database.commit(
            SyncResponse(acknowledgedThrough: 2, operations: [], cursor: 0, hasMore: false, serverTime: Self.now),
            now: Self.now
        )
        #expect(outcome.acknowledged == 2)
        #expect(try database.outbox().map(\.dot.counter) == [3])
    }

    /// A sync broken off after the server set aside an edit, before the repair, then a snapshot
    /// that holds the household without it: the next edit, which builds on the set-aside one,
    /// waits for it. The repair lets go of it, so the worker's later edit shows at once and does
    /// not build on what was set aside (the server would set it aside too).
    @Test func aRepairLetsGoOfAHeldEditThatBuildsOnASetAsideOne() throws {
        let (database, folder) = try Self.replica()
        defer { try? FileManager.default.removeItem(at: folder) }
        var county = InMemoryReplica(replica: ReplicaID(9))
        let key = Self.household(RecordID.make(nowMilliseconds: Self.now))
        let create = county.write(.create(Self.homeFields), to: key, now: Self.now)
        _ = try database.commit(
            SyncResponse(acknowledgedThrough: 0, operations: [create], cursor: 1, hasMore: false, serverTime: Self.now),
            now: Self.now
        )
        let refused = try database.author([.set(["headName": .string("包银山")])], on: key, now: Self.now + 1)[0]
        try database.author([.set(["address": .string("一组2号")])], on: key, now: Self.now + 2)
        _ = try database.commit(Self.settingAside(refused, code: "not_permitted"), now: Self.now)
        let fromServer = try #require(county.records[key])
        try database.beginSnapshot(grids: Self.grids, calendar: nil)
        try database.storeSnapshotPage([SnapshotRows.Row(fromServer)])
        #expect(try database.finishSnapshot(cursor: 1) == 0, "the address edit waits for the set-aside one")
        let waiting = { try database.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM waiting") } }
        #expect(try waiting() == 1)

        try database.repair(with: [fromServer])

        #expect(try waiting() == 0)
        #expect(try database.recordsToRepair().isEmpty)
        #expect(try database.record(key) == fromServer)
        let later = try database.author([.set(["note": .string("东边")])], on: key, now: Self.now + 3)[0]
        #expect(later.context == fromServer.clock)
        #expect(try database.record(key).visibleValue(of: "note") == .string("东边"))
        #expect(try database.outbox().map(\.dot.counter) == [2, 3], "the address edit still goes up, to be set aside")
    }

    /// A copy enrolled again under a new id no longer lists the old id's set-aside operations:
    /// the laptop that went on with the old id settles them (after a restore it sends them again
    /// and the store may take them), and the new id's would be filed under the same counters.
    @Test func aLaptopEnrolledAgainLeavesTheOldIdentitysSetAsideOperations() throws {
        let (database, folder) = try Self.replica()
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = Self.household(RecordID.make(nowMilliseconds: Self.now))
        let refused = try database.author([.create(Self.homeFields)], on: key, now: Self.now)[0]
        _ = try database.commit(Self.settingAside(refused, code: "out_of_scope"), now: Self.now)
        #expect(try database.setAsideOperations().map(\.operation) == [refused])

        try database.markCopied(from: refused.dot.counter + 1)
        try database.enrollAgain(
            as: EnrollResponse(replica: ReplicaID(6), gridId: "c-1-1-1-1", agentName: "组", serverTime: Self.now),
            at: "http://test"
        )

        #expect(try database.setAsideOperations().isEmpty)
    }
}
