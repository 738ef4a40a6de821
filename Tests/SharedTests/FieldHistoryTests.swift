import Testing

@testable import Shared

/// ``FieldHistory`` reads back what a replica saw of a field at any moment, from every write of it
/// in any order: random schedules of three replicas moving one household between grids, each
/// moment of each replica checked against the history shuffled.
@Suite struct FieldHistoryTests {
    static let household = RecordKey(type: .household, id: "00000000-0000-7000-8000-000000000001")
    static let grids = ["g1", "g2", "g3", "g4"]

    @Test func theValueSeenAtAContextIsTheReplicasVisibleValueThen() {
        var checked = 0
        for seed in UInt64(1)...300 {
            var random = SplitMix64(seed: seed)
            var replicas = (1...3).map { InMemoryReplica(replica: ReplicaID(UInt32($0))) }
            var writes: [FieldHistory.Write] = []
            var seen: [(VersionVector, FieldValue?)] = []
            var sent: [SyncOperation] = []
            var now: UInt64 = 1_764_374_400_000
            let create = replicas[0].write(.create(["gridId": .string("g1")]), to: Self.household, now: now)
            sent.append(create)
            writes.append(
                FieldHistory.Write(dot: create.dot, hlc: create.hlc, context: create.context, value: .string("g1"))
            )
            for _ in 0..<30 {
                now += random.next() % 2_000
                let index = Int(random.next() % 3)
                if random.next() % 2 == 0, replicas[index].records[Self.household] != nil {
                    let grid = Self.grids[Int(random.next() % 4)]
                    let move = replicas[index].write(.set(["gridId": .string(grid)]), to: Self.household, now: now)
                    sent.append(move)
                    writes.append(
                        FieldHistory.Write(dot: move.dot, hlc: move.hlc, context: move.context, value: .string(grid))
                    )
                } else {
                    // Delivers a random part of what was sent, in a random order.
                    for operation in sent where random.next() % 3 == 0 { replicas[index].receive(operation) }
                }
                if let record = replicas[index].records[Self.household] {
                    seen.append((record.clock, record.visibleValue(of: "gridId")))
                }
            }
            var shuffled = writes
            for position in shuffled.indices.reversed() {
                shuffled.swapAt(position, Int(random.next() % UInt64(position + 1)))
            }
            let history = FieldHistory(shuffled)
            for (context, visible) in seen {
                #expect(history.visibleValue(seenBy: context) == visible, "seed \(seed)")
                checked += 1
            }
        }
        #expect(checked > 3_000)
    }

    @Test func aContextThatSawNoWriteSeesNothing() {
        let write = FieldHistory.Write(
            dot: Dot(replica: ReplicaID(1), counter: 1),
            hlc: HLCTimestamp(wallMilliseconds: 1, logical: 0),
            context: VersionVector(),
            value: .string("g1")
        )
        #expect(FieldHistory([write]).visibleValue(seenBy: VersionVector()) == nil)
        #expect(FieldHistory([write]).visibleValue(seenBy: VersionVector([ReplicaID(1): 1])) == .string("g1"))
    }
}
