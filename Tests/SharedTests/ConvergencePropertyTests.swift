import ConvergenceSupport
import Foundation
import PropertyBased
import Testing

@testable import Shared

/// The merge converges: any schedule of concurrent edits, out-of-order deliveries, duplicates,
/// replays and resyncs (the outbox replayed on another replica's records) leaves every replica
/// byte-identical, with every concurrent value kept in a conflict.
///
/// The replicas run the production ``ReplicaEngine`` over its in-memory store; the field agent's
/// `SQLiteConvergencePropertyTests` plays the same schedules over SQLite replica files.
///
/// A failing schedule is reported with its input and a `.fixedSeed(...)` trait that replays it.
@Suite struct ConvergencePropertyTests {
    @Test func everyReplicaConvergesWithEveryConcurrentValueKept() async throws {
        await propertyCheck(count: 10_000, input: Gen.int(in: 3...6), Gen.uint64().array(of: 10...90)) {
            replicaCount,
            steps in
            var schedule = ConvergenceSchedule(replicaCount: replicaCount, steps: steps)
            schedule.run()
            try Self.checkConverged(schedule)
        }
    }

    static func checkConverged(_ schedule: ConvergenceSchedule<InMemoryReplica>) throws {
        let replicas = schedule.replicas
        for replica in replicas {
            #expect(replica.waiting.isEmpty, "replica \(replica.replica) still waits for causes")
        }
        let reference = CanonicalJSON.encode(replicas[0].canonicalRecords)
        for replica in replicas.dropFirst() {
            let bytes = CanonicalJSON.encode(replica.canonicalRecords)
            #expect(bytes == reference, "replica \(replica.replica) differs from replica \(replicas[0].replica)")
        }
        let states = replicas[0].records
        for (record, fields) in ConvergenceOracle.expectedSiblings(in: schedule.log) {
            for (field, dots) in fields {
                let kept = Set(states[record]?.registers[field]?.map(\.dot) ?? [])
                #expect(kept == dots, "\(record).\(field) keeps \(kept.sorted()) but must keep \(dots.sorted())")
            }
            let conflicted = Set(states[record]?.conflicts.map(\.field) ?? [])
            #expect(conflicted == Set(fields.filter { $0.value.count > 1 }.keys))
        }
        for (record, fields) in ConvergenceOracle.expectedSetEntries(in: schedule.log) {
            for (field, entries) in fields {
                #expect(Set(states[record]?.sets[field] ?? []) == entries, "\(record).\(field) set entries")
            }
        }
        let eventDots = Set(schedule.log.filter { $0.payload.kind == .event }.map(\.dot))
        let incidents = states.values.filter { $0.type == .incident }
        #expect(Set(incidents.flatMap { $0.events.map(\.dot) }) == eventDots, "every incident event is kept")
        for incident in incidents {
            let folded = try #require(IncidentState(record: incident))
            #expect(folded.history.count == incident.events.count, "rejected steps stay in the history")
            for replica in replicas.dropFirst() {
                #expect(IncidentState(record: replica.records[incident.key]!) == folded)
            }
        }
    }
}
