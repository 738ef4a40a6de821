import Foundation
import GridSyncTestSupport
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// The server's merge of batches converges with the agents' replica engine: random schedules of
/// offline edits by two to four agents at different levels over one group's households and
/// residents, syncs in any order, answers lost (the batch sent again), old batches sent again,
/// and new households, against the real store through the real routes. Once every agent has
/// synced until nothing moves:
///
/// - every agent holds, byte for byte, the server's state of every record;
/// - the server's state of every record is, byte for byte, what a replica that received every
///   operation authored, shuffled and duplicated, holds: every concurrent value kept;
/// - the log holds every authored operation exactly once.
///
/// The agents are in-memory replicas, which run the laptops' engine (the SQLite replica is tied to
/// them by `SQLiteConvergencePropertyTests`). The seed is printed; `GRIDSYNC_TEST_SEED=S` replays
/// the schedules from S on (schedule k has seed S + k).
@Suite struct ServerConvergencePropertyTests {
    static let schedules = 500
    static let grids = ["c-1-1-1-1", "c-1-1-1", "c-1-1", "c-1"]

    @Test(.timeLimit(.minutes(5)))
    func theServerMergeEndsIdenticalToEveryReplicaWithEveryValueKept() async throws {
        let seed = TestSeed.fromEnvironment()
        print("ServerConvergencePropertyTests: seed \(seed) (replay with GRIDSYNC_TEST_SEED=\(seed))")
        let started = ContinuousClock.now
        var tally = (exchanges: 0, lost: 0, resent: 0, conflicts: 0)
        for index in 0..<Self.schedules {
            let scheduleSeed = seed &+ UInt64(index)
            do {
                let counts = try await Self.play(seed: scheduleSeed)
                tally.exchanges += counts.exchanges
                tally.lost += counts.lost
                tally.resent += counts.resent
                tally.conflicts += counts.conflicts
            } catch {
                Issue.record("schedule seed \(scheduleSeed) (GRIDSYNC_TEST_SEED=\(scheduleSeed)): \(error)")
                return
            }
        }
        print(
            "ServerConvergencePropertyTests: \(Self.schedules) schedules, \(tally.exchanges) exchanges, \(tally.lost) answers lost, \(tally.resent) old batches sent again, \(tally.conflicts) fields in conflict at the end, in \(ContinuousClock.now - started)"
        )
        #expect(tally.conflicts > 0, "the schedules make concurrent edits")
    }

    /// Plays one schedule and checks its end.
    static func play(seed: UInt64) async throws -> (exchanges: Int, lost: Int, resent: Int, conflicts: Int) {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        return try await fixture.application().test(.router) { client in
            var random = SplitMix64(seed: seed)
            var counts = (exchanges: 0, lost: 0, resent: 0, conflicts: 0)
            var trace: [String] = []
            var agents: [TestAgent] = []
            for _ in 0..<Int.random(in: 2...4, using: &random) {
                agents.append(try await fixture.enroll(grid: grids.randomElement(using: &random)!))
            }
            var log: [SyncOperation] = []
            var sent: [(agent: Int, request: SyncRequest)] = []
            var households: [RecordKey] = []
            var residents: [RecordKey] = []

            func sync(_ index: Int) async throws {
                sent.append((index, agents[index].request()))
                trace.append("\(agents[index].id) syncs \(agents[index].outbox.map(\.dot))")
                try await client.sync(&agents[index])
                counts.exchanges += 1
            }

            // The first agent registers two households and a resident; everyone has them.
            for _ in 0..<2 { households.append(agents[0].addHousehold(in: "c-1-1-1-1")) }
            residents.append(
                agents[0].addResident(in: "c-1-1-1-1", ["householdId": .string(households[0].id)])
            )
            log += agents[0].outbox
            for index in agents.indices { try await client.syncFully(&agents[index]) }

            do {
                for _ in 0..<Int.random(in: 8...30, using: &random) {
                    fixture.clock.advance(by: 1 + random.next() % 2_000)
                    let index = Int(random.next() % UInt64(agents.count))
                    let choice = Int(random.next() % 100)
                    // An agent edits only what it holds: a household another agent added reaches it by a sync.
                    let held = households.filter { agents[index].replica.records[$0] != nil }
                    let household = held[Int(random.next() % UInt64(held.count))]
                    switch random.next() % 12 {
                    case 0...3:
                        let field = ["address", "headName", "note"][choice % 3]
                        log.append(agents[index].write(.set([field: .string("v\(choice % 4)")]), to: household))
                    case 4:
                        log.append(
                            agents[index].write(.set(["phone": .string("1380000000\(choice % 4)")]), to: household)
                        )
                    case 5:
                        let tag = ["disability", "livingAlone", "subsistenceAllowance"][choice % 3]
                        let payload: SyncOperation.Payload =
                            choice % 2 == 0 ? .add(field: "tags", element: tag) : .remove(field: "tags", element: tag)
                        log.append(agents[index].write(payload, to: residents[0]))
                    case 6:
                        households.append(agents[index].addHousehold(in: "c-1-1-1-1", address: "新\(choice)号"))
                        log.append(agents[index].outbox.last!)
                    case 7:
                        trace.append("\(agents[index].id) sends \(agents[index].outbox.map(\.dot)), the answer is lost")
                        // The answer is lost: the agent keeps its outbox and cursor and sends it all again later.
                        let request = agents[index].request()
                        sent.append((index, request))
                        _ = try await client.send(request, token: agents[index].token)
                        counts.lost += 1
                    case 8 where !sent.isEmpty:
                        // A batch sent before arrives again (a retry delayed in the network).
                        let (owner, request) = sent[Int(random.next() % UInt64(sent.count))]
                        trace.append("\(agents[owner].id)'s batch \(request.operations.map(\.dot)) arrives again")
                        let answer = try await client.send(request, token: agents[owner].token)
                        try #require(answer.status == .ok, "an old batch sent again is acknowledged again")
                        counts.resent += 1
                    default:
                        try await sync(index)
                    }
                }
                for _ in 0..<3 {
                    for index in agents.indices { try await client.syncFully(&agents[index]) }
                }
            } catch {
                print("ServerConvergencePropertyTests, schedule seed \(seed):\n" + trace.joined(separator: "\n"))
                throw error
            }

            // Every agent holds the server's state of every record.
            let stored = try await fixture.database.storedRecords()
            for agent in agents {
                #expect(agent.outbox.isEmpty, "replica \(agent.id) has sent everything")
                let held = agent.replica.canonicalRecords.map { CanonicalJSON.encode($0) }
                #expect(
                    held == stored.sorted { $0.key < $1.key }.map(\.state),
                    "replica \(agent.id) holds the server's states"
                )
            }
            // The server's states are what every operation merged in any order makes.
            var oracle = InMemoryReplica(replica: ReplicaID(999))
            var all = log + log.filter { _ in random.next() % 2 == 0 }
            all.shuffle(using: &random)
            for operation in all { oracle.receive(operation) }
            #expect(oracle.waiting.isEmpty)
            #expect(
                oracle.canonicalRecords.map { CanonicalJSON.encode($0) }
                    == stored.sorted { $0.key < $1.key }.map(\.state),
                "the server kept every value the agents wrote"
            )
            counts.conflicts += oracle.canonicalRecords.reduce(0) { $0 + $1.conflicts.count }
            // Every operation is in the log once.
            let logged = try await fixture.database.loggedOperations().map(\.dot)
            #expect(logged.count == Set(logged).count, "no operation is logged twice")
            #expect(Set(logged) == Set(log.map(\.dot)), "the log holds what the agents wrote")
            return counts
        }
    }
}
