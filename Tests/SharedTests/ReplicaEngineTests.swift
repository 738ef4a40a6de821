import Testing

@testable import Shared

/// The replica engine's contract with a store, as the server's merge of a batch would use it: a
/// store that holds nothing back and judges each operation before it applies.
@Suite struct ReplicaEngineTests {
    static let household = RecordKey(type: .household, id: "00000000-0000-7000-8000-000000000001")
    static let now: UInt64 = 1_764_374_400_000

    struct Refused: Error, Equatable {
        let dot: Dot
    }

    /// A server-like store over an in-memory replica: `hold` refuses (missing dependency), and
    /// `admit` refuses operations from replica 3.
    struct JudgingStore: ReplicaStore {
        typealias Failure = Refused
        var base = InMemoryReplica(replica: .server)
        var replica: ReplicaID { base.replica }
        var clock: HybridLogicalClock {
            get { base.clock }
            set { base.clock = newValue }
        }
        mutating func nextCounter() -> UInt64 { base.nextCounter() }
        mutating func takeRecord(_ key: RecordKey) -> RecordState? { base.takeRecord(key) }
        mutating func putRecord(_ record: RecordState, changed: Bool) { base.putRecord(record, changed: changed) }
        func heldOperations(for key: RecordKey) -> [SyncOperation] { [] }
        func hold(_ operation: SyncOperation) throws(Refused) { throw Refused(dot: operation.dot) }
        func unhold(_ operation: SyncOperation) {}
        func unholdAll() {}
        mutating func queue(_ operation: SyncOperation) { base.queue(operation) }
        mutating func outbox() -> [SyncOperation] { base.outbox() }
        func admit(_ operation: SyncOperation, to record: RecordState) throws(Refused) {
            if operation.dot.replica == ReplicaID(3) { throw Refused(dot: operation.dot) }
        }
    }

    /// Found by the fuzzer: a replica that received its own next dot from another image of itself
    /// (a copied laptop) and then edits the record must not trap; the record keeps what it had.
    @Test func anEditWhoseDotTheRecordHoldsAlreadyLeavesTheRecordAsItWas() {
        var copy = InMemoryReplica(replica: ReplicaID(1))
        let fromTheCopy = copy.write(.set(["address": .string("新华村3组12号")]), to: Self.household, now: Self.now)
        var laptop = InMemoryReplica(replica: ReplicaID(1))
        laptop.receive(fromTheCopy)
        let before = laptop.records[Self.household]
        let edit = laptop.write(.set(["address": .string("新华村4组1号")]), to: Self.household, now: Self.now + 1)
        #expect(edit.dot == fromTheCopy.dot)
        #expect(laptop.records[Self.household] == before)
    }

    @Test func aRefusedOperationLeavesTheRecordAndTheClockAsTheyWere() throws {
        var agent = InMemoryReplica(replica: ReplicaID(3))
        var other = InMemoryReplica(replica: ReplicaID(4))
        let create = other.write(
            .create(["gridId": .string("g1"), "address": .string("a")]),
            to: Self.household,
            now: Self.now
        )
        agent.receive(create)
        let edit = agent.write(.set(["address": .string("b")]), to: Self.household, now: Self.now + 60_000)
        var store = JudgingStore()
        #expect(try ReplicaEngine.receive(create, in: &store) == 1)
        let before = store.base.records
        let clock = store.clock.last
        #expect(throws: Refused(dot: edit.dot)) { try ReplicaEngine.receive(edit, in: &store) }
        #expect(store.base.records == before, "the record is given back unchanged")
        #expect(store.clock.last == clock, "a refused operation was never taken")
    }

    @Test func anOperationWhoseCausesAreMissingIsRefusedByAStoreThatHoldsNothing() throws {
        var other = InMemoryReplica(replica: ReplicaID(4))
        let create = other.write(.create(["gridId": .string("g1")]), to: Self.household, now: Self.now)
        let edit = other.write(.set(["address": .string("b")]), to: Self.household, now: Self.now + 1)
        var store = JudgingStore()
        #expect(throws: Refused(dot: edit.dot)) { try ReplicaEngine.receive(edit, in: &store) }
        #expect(store.base.records.isEmpty)
        #expect(try ReplicaEngine.receive(create, in: &store) == 1)
        #expect(try ReplicaEngine.receive(create, in: &store) == 0, "a duplicate applies nothing")
    }

    @Test func aServerWriteFollowsEverythingTheRecordHolds() throws {
        var other = InMemoryReplica(replica: ReplicaID(4))
        // A laptop whose clock runs a minute ahead of the server's.
        let create = other.write(.create(["gridId": .string("g1")]), to: Self.household, now: Self.now + 60_000)
        var store = JudgingStore()
        try ReplicaEngine.receive(create, in: &store)
        store.clock = HybridLogicalClock()
        let written = try ReplicaEngine.author(
            [.set(["note": .string("n")])],
            on: Self.household,
            now: Self.now,
            in: &store
        )
        #expect(written.map(\.dot) == [Dot(replica: .server, counter: 1)])
        var seen = VersionVector()
        seen.add(create.dot)
        #expect(written[0].context == seen)
        #expect(written[0].hlc > create.hlc)
        #expect(store.base.queued == written, "queued, as the server appends it to its log")
        #expect(store.base.records[Self.household]?.visibleValue(of: "note") == .string("n"))
    }

    /// After a snapshot that lacks what a local edit built on, the edit waits, and so does every
    /// later edit of the record, which follows it; both apply once the cause arrives.
    @Test func localEditsFollowTheirOwnHeldEditsAndWaitWithThem() throws {
        var other = InMemoryReplica(replica: ReplicaID(4))
        let create = other.write(.create(["gridId": .string("g1")]), to: Self.household, now: Self.now)
        var laptop = InMemoryReplica(replica: ReplicaID(5))
        laptop.receive(create)
        let first = laptop.write(.set(["address": .string("a")]), to: Self.household, now: Self.now + 1)
        #expect(laptop.installSnapshot([]) == 0, "the snapshot lacks the household: the edit waits")
        let second = laptop.write(.set(["address": .string("b")]), to: Self.household, now: Self.now + 2)
        #expect(second.context.covers(first.dot))
        #expect(laptop.records[Self.household] == nil)
        #expect(laptop.waiting[Self.household]?.count == 2)
        #expect(laptop.receive(create) == 3)
        #expect(laptop.waiting.isEmpty)
        #expect(laptop.records[Self.household]?.registers["address"]?.map(\.dot) == [second.dot])
    }

    /// A repair after the server set aside the resident this laptop added (and so the phone added
    /// with it): the resident, which the server does not have, is removed; the household becomes
    /// the server's state with the laptop's edits of it replayed on top, the later one though its
    /// context covers the resident's dots by counter.
    @Test func aRepairLeavesOutWhatBuildsOnASetAsideOperationAndReplaysTheRest() {
        let resident = RecordKey(type: .resident, id: "00000000-0000-7000-8000-000000000002")
        var county = InMemoryReplica(replica: ReplicaID(4))
        var laptop = InMemoryReplica(replica: ReplicaID(5))
        laptop.receive(
            county.write(
                .create(["gridId": .string("g1"), "address": .string("a")]),
                to: Self.household,
                now: Self.now
            )
        )
        let added = laptop.write(
            .create(["gridId": .string("g1"), "name": .string("包小花")]),
            to: resident,
            now: Self.now + 1
        )
        let phone = laptop.write(.add(field: "phones", element: "13800000001"), to: resident, now: Self.now + 2)
        let note = laptop.write(.set(["note": .string("n")]), to: Self.household, now: Self.now + 3)
        let address = laptop.write(.set(["address": .string("b")]), to: Self.household, now: Self.now + 4)
        #expect(address.context.covers(phone.dot), "by counter: the dots are the laptop's, on another record")
        _ = county.write(.set(["phone": .string("13900000002")]), to: Self.household, now: Self.now + 5)
        let fromServer = county.records[Self.household]!

        ReplicaEngine.rebuild([Self.household, resident], from: [fromServer], leavingOut: [added], in: &laptop)

        #expect(laptop.records[resident] == nil, "nothing of the resident survives")
        var expected = fromServer
        expected.apply(note)
        expected.apply(address)
        #expect(laptop.records[Self.household] == expected)
        #expect(laptop.waiting.isEmpty)
        #expect(laptop.clock.last >= fromServer.latestHLC)
    }

    /// After a restore from an older backup the server's state lacks the county's note this
    /// laptop's edit builds on: the edit is held, as after a snapshot, and applies once the note
    /// is pulled again.
    @Test func aRepairHoldsAnEditWhoseCausesTheServersStateLacks() {
        var county = InMemoryReplica(replica: ReplicaID(4))
        let create = county.write(.create(["gridId": .string("g1")]), to: Self.household, now: Self.now)
        let restored = county.records[Self.household]!
        let note = county.write(.set(["note": .string("县里")]), to: Self.household, now: Self.now + 1)
        var laptop = InMemoryReplica(replica: ReplicaID(5))
        laptop.receive(create)
        laptop.receive(note)
        let edit = laptop.write(.set(["address": .string("b")]), to: Self.household, now: Self.now + 2)

        ReplicaEngine.rebuild([Self.household], from: [restored], leavingOut: [], in: &laptop)

        #expect(laptop.records[Self.household] == restored)
        #expect(laptop.waiting[Self.household] == [edit])
        #expect(laptop.receive(note) == 2, "the note applies and releases the edit")
        #expect(laptop.waiting.isEmpty)
        #expect(laptop.records[Self.household]?.visibleValue(of: "address") == .string("b"))
    }

    /// Edits held after a snapshot that lacked the household, the first of them since set aside:
    /// the repair lets go of both, so a later edit neither follows them nor waits with them.
    @Test func aRepairLetsGoOfHeldEditsThatBuildOnASetAsideOne() {
        var county = InMemoryReplica(replica: ReplicaID(4))
        var laptop = InMemoryReplica(replica: ReplicaID(5))
        laptop.receive(county.write(.create(["gridId": .string("g1")]), to: Self.household, now: Self.now))
        let refused = laptop.write(.set(["headName": .string("包银山")]), to: Self.household, now: Self.now + 1)
        _ = laptop.write(.set(["address": .string("b")]), to: Self.household, now: Self.now + 2)
        laptop.installSnapshot([])
        #expect(laptop.waiting[Self.household]?.count == 2)
        let fromServer = county.records[Self.household]!

        ReplicaEngine.rebuild([Self.household], from: [fromServer], leavingOut: [refused], in: &laptop)

        #expect(laptop.waiting.isEmpty)
        #expect(laptop.records[Self.household] == fromServer)
        let later = laptop.write(.set(["note": .string("n")]), to: Self.household, now: Self.now + 3)
        #expect(later.context == fromServer.clock)
        #expect(laptop.records[Self.household]?.visibleValue(of: "note") == .string("n"))
    }
}
