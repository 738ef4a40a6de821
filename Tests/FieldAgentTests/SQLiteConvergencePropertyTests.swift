import ConvergenceSupport
import Foundation
import GridSyncTestSupport
import Shared
import Testing

@testable import GridSyncAgent

/// The laptop's SQLite replica runs the replica engine exactly as the in-memory replica does:
/// random schedules of concurrent edits, out-of-order and duplicated pages, and resyncs with the
/// outbox replayed on top (``ConvergenceSchedule``), played once over in-memory replicas and once
/// over real replica files, must author the same operations and leave every replica file holding,
/// byte for byte, what its in-memory twin holds, with nothing waiting and every listing column
/// what the state says. The in-memory side is held to the oracle by the Shared tests' ten thousand
/// schedules (`ConvergencePropertyTests`); this test ties the laptops' store to it.
///
/// The seed is printed; `GRIDSYNC_TEST_SEED=S` replays the schedules from S on (schedule k has
/// seed S + k, so a failing schedule's own seed replays it first).
@Suite struct SQLiteConvergencePropertyTests {
    static let schedules = 500

    @Test(.timeLimit(.minutes(4)))
    func sqliteReplicasEndIdenticalToInMemoryOnes() throws {
        let seed = TestSeed.fromEnvironment()
        print("SQLiteConvergencePropertyTests: seed \(seed) (replay with GRIDSYNC_TEST_SEED=\(seed))")
        let clock = ContinuousClock()
        let started = clock.now
        var resyncs = 0
        for index in 0..<Self.schedules {
            let scheduleSeed = seed &+ UInt64(index)
            var random = SplitMix64(seed: scheduleSeed)
            let replicaCount = Int.random(in: 2...4, using: &random)
            let steps = (0..<Int.random(in: 6...24, using: &random)).map { _ in random.next() }
            let (problems, resynced) = try Self.play(replicaCount: replicaCount, steps: steps)
            #expect(
                problems.isEmpty,
                """
                schedule seed \(scheduleSeed) (GRIDSYNC_TEST_SEED=\(scheduleSeed) replays it first), \
                \(replicaCount) replicas, \(steps.count) steps: \(problems.prefix(8).joined(separator: "; "))
                """
            )
            resyncs += resynced
        }
        print(
            "SQLiteConvergencePropertyTests: \(Self.schedules) schedules, \(resyncs) resyncs, in \(started.duration(to: clock.now))"
        )
        #expect(resyncs > 0, "some schedules resynced")
    }

    /// Plays the schedule in memory and on SQLite files; returns what differs, one sentence each,
    /// and how many resyncs it played.
    static func play(replicaCount: Int, steps: [UInt64]) throws -> (problems: [String], resyncs: Int) {
        var inMemory = ConvergenceSchedule(replicaCount: replicaCount, steps: steps)
        inMemory.run()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var onDisk = ConvergenceSchedule(replicaCount: replicaCount, steps: steps) { id throws in
            try SQLiteScheduledReplica(replica: id, in: folder)
        }
        try onDisk.run()
        var problems: [String] = []
        if CanonicalJSON.encode(onDisk.log) != CanonicalJSON.encode(inMemory.log) {
            problems.append("the replica files authored other operations than the in-memory replicas")
        }
        let reference = CanonicalJSON.encode(inMemory.replicas[0].canonicalRecords)
        for (file, twin) in zip(onDisk.replicas, inMemory.replicas) {
            let name = "replica \(twin.replica)"
            if twin.holdsOperationsBack() { problems.append("\(name) in memory still waits for causes") }
            if CanonicalJSON.encode(twin.canonicalRecords) != reference {
                problems.append("\(name) in memory differs from replica 1")
            }
            if try file.holdsOperationsBack() { problems.append("\(name) on disk still waits for causes") }
            if try CanonicalJSON.encode(file.recordsInKeyOrder()) != CanonicalJSON.encode(twin.canonicalRecords) {
                problems.append("\(name) on disk differs from its in-memory twin")
            }
            if try !file.listingsMatchStates() { problems.append("\(name) on disk lists a record wrongly") }
        }
        return (problems, onDisk.resyncs)
    }
}
