import GridSyncServer
import Shared

/// A reproducible stream of single-field household edits from several agents with stale views.
///
/// Each agent edits its own replica; every few hundred edits the agents exchange what they wrote,
/// so some edits are concurrent (conflicts) and most are not, as in a county evening.
struct MergeWorkload {
    let operations: [SyncOperation]
    let conflictsHint: Int

    static let fields = ["address", "headName", "phone", "note", "residenceType", "verifiedAt"]

    static func make(operations count: Int, households: Int, agents: Int) -> MergeWorkload {
        var generator = SplitMix64(seed: 20_261_129)
        var replicas = (1...agents).map { InMemoryReplica(replica: ReplicaID(UInt32($0))) }
        var now: UInt64 = 1_764_374_400_000
        let ids = (0..<households).map { _ in RecordID.make(nowMilliseconds: now, using: &generator) }
        var log: [SyncOperation] = []
        log.reserveCapacity(count + households)
        for id in ids {
            let create = replicas[0].write(
                .create(["gridId": .string("g1"), "address": .string("a"), "headName": .string("h")]),
                to: RecordKey(type: .household, id: id),
                now: now
            )
            log.append(create)
        }
        var exchanged = 0
        for replica in replicas.indices.dropFirst() { for operation in log { replicas[replica].receive(operation) } }
        while log.count < count + households {
            now += 7
            let agent = Int.random(in: 0..<agents, using: &generator)
            let id = ids[Int.random(in: 0..<households, using: &generator)]
            let field = fields[Int.random(in: 0..<fields.count, using: &generator)]
            let value: FieldValue =
                field == "phone"
                ? .string("1380000\(Int.random(in: 1000...9999, using: &generator))") : .string("v\(log.count % 97)")
            log.append(replicas[agent].write(.set([field: value]), to: RecordKey(type: .household, id: id), now: now))
            if log.count - exchanged >= 500 {
                for replica in replicas.indices {
                    for operation in log[exchanged...] where operation.dot.replica != replicas[replica].replica {
                        replicas[replica].receive(operation)
                    }
                }
                exchanged = log.count
            }
        }
        var probe = InMemoryReplica(replica: .server)
        for operation in log { probe.receive(operation) }
        let conflicts = probe.records.values.reduce(0) { $0 + $1.conflicts.count }
        return MergeWorkload(operations: log, conflictsHint: conflicts)
    }
}
