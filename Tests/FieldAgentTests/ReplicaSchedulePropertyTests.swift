import Foundation
import GridSyncTestSupport
import Shared
import Testing

@testable import GridSyncAgent

/// Random schedules of the county's hard days (issue 11), each against a live county and real
/// laptops (``ReplicaSchedule``): moves between groups and villages concurrent with offline
/// edits, residents of households that left (set aside), copied laptops enrolled again, and a
/// store restored from a backup. Once every laptop has synced until nothing moves:
///
/// - every laptop is done: an empty outbox, and not waiting to be enrolled again;
/// - every laptop holds, byte for byte, the server's states of the records in its scope, and
///   beside them only records that moved out of it, as they were when they left (a prefix of the
///   server's state, which lies outside the scope);
/// - every edit a laptop made is stored on the server exactly once, or else set aside, never
///   both: listed by the server as pending and in a set-aside table of the laptop (or its copies);
///   the server stores nothing the schedule did not author, and sets aside exactly what the
///   laptops list;
/// - after a restore, every laptop that had synced since the backup reported what it sent again,
///   and none lost anything (laptops keep their acknowledged operations 30 days).
///
/// The seed is printed; `GRIDSYNC_TEST_SEED=S` replays the schedules from S on (schedule k has
/// seed S + k, so a failing schedule's own seed replays it first).
@Suite struct ReplicaSchedulePropertyTests {
    /// About 15 seconds alone on two cores, each schedule in a county of its own.
    static let schedules = 10

    @Test(.timeLimit(.minutes(4)))
    func everyLaptopConvergesAndEveryEditIsStoredOrSetAside() async throws {
        let seed = TestSeed.fromEnvironment()
        print("ReplicaSchedulePropertyTests: seed \(seed) (replay with GRIDSYNC_TEST_SEED=\(seed))")
        let clock = ContinuousClock()
        let started = clock.now
        var tally = ReplicaSchedule.Tally()
        for index in 0..<Self.schedules {
            let scheduleSeed = seed &+ UInt64(index)
            try await LiveCounty.with { county in
                let schedule = try ReplicaSchedule(seed: scheduleSeed, county: county)
                do {
                    try await schedule.play()
                    let quiet = try schedule.settle()
                    let problems =
                        (quiet ? [] : ["still moving operations after the settling rounds"])
                        + (try Self.problems(in: schedule))
                    #expect(
                        problems.isEmpty,
                        """
                        schedule seed \(scheduleSeed) (GRIDSYNC_TEST_SEED=\(scheduleSeed) replays it first): \
                        \(problems.count) problems:
                        \(problems.prefix(8).joined(separator: "\n"))
                        steps:
                        \(schedule.log.joined(separator: "\n"))
                        """
                    )
                } catch {
                    Issue.record(
                        "schedule seed \(scheduleSeed) threw \(error) after:\n\(schedule.log.joined(separator: "\n"))"
                    )
                    throw error
                }
                tally.add(schedule.tally)
                if schedule.restored { try await schedule.county.shutDown() }
            }
        }
        print(
            "ReplicaSchedulePropertyTests: \(Self.schedules) schedules in \(started.duration(to: clock.now)): \(tally)"
        )
        // Every kind of event happened somewhere in the run.
        #expect(tally.moves > 0 && tally.setAside > 0 && tally.copies > 0 && tally.reenrolled > 0)
        #expect(tally.restores > 0 && tally.resent > 0)
    }

    /// What a settled schedule breaks of the properties above, one sentence each.
    static func problems(in schedule: ReplicaSchedule) throws -> [String] {
        let county = schedule.county
        var problems: [String] = []
        var listedAside: Set<SyncOperation> = []
        for laptop in schedule.laptops {
            let replica = try laptop.database.replicaState()
            let outbox = try laptop.database.outbox()
            if !outbox.isEmpty || replica.acknowledged != replica.counter {
                problems.append(
                    "\(laptop.name): \(outbox.count) operations unsent, acknowledged \(replica.acknowledged) of \(replica.counter)"
                )
            }
            if replica.copiedFrom != nil { problems.append("\(laptop.name) still waits to be enrolled again") }
            listedAside.formUnion(try laptop.database.setAsideOperations().map(\.operation))
            problems += try recordProblems(of: laptop, in: county)
        }

        let stored = Dictionary(grouping: try FaultLab.oplogOperations(county).map(Edit.init), by: { $0 })
        let authored = Set(schedule.authored.map(Edit.init))
        let setAside = Set(listedAside.map(Edit.init))
        for (edit, copies) in stored where copies.count > 1 {
            problems.append("\(edit) is stored \(copies.count) times")
        }
        for edit in Set(stored.keys).subtracting(authored) {
            problems.append("the server stores \(edit), never authored")
        }
        for edit in authored {
            switch (stored[edit] != nil, setAside.contains(edit)) {
            case (false, false): problems.append("\(edit) is neither stored nor set aside")
            case (true, true): problems.append("\(edit) is stored and also listed as set aside")
            default: break
            }
        }
        for edit in setAside.subtracting(authored) {
            problems.append("a laptop lists \(edit) as set aside, never authored")
        }

        let pending = Set(
            try county.serverSetAside().map {
                Aside(dot: "\($0.replica):\($0.counter)", record: "\($0.type)/\($0.recordId)", kind: $0.kind)
            }
        )
        let listed = Set(
            listedAside.map {
                Aside(
                    dot: "\($0.dot.replica.rawValue):\($0.dot.counter)",
                    record: "\($0.type.rawValue)/\($0.id)",
                    kind: $0.payload.kind.rawValue
                )
            }
        )
        if pending != listed {
            problems.append(
                "set aside on the server but on no laptop: \(pending.subtracting(listed).sorted()); on a laptop but not pending on the server: \(listed.subtracting(pending).sorted())"
            )
        }

        if schedule.restored {
            let report = try county.recoveryReport()
            if Set(report.agents.map(\.replica)) != schedule.rolledBack {
                problems.append(
                    "recovery reports from \(report.agents.map(\.replica)), expected from \(schedule.rolledBack.sorted())"
                )
            }
            for agent in report.agents where agent.lost > 0 {
                problems.append("replica \(agent.replica) reports \(agent.lost) operations lost")
            }
        }
        return problems
    }

    /// A laptop holds the server's states of its scope, and besides only what moved out of it.
    private static func recordProblems(of laptop: ScheduleLaptop, in county: LiveCounty) throws -> [String] {
        let tree = try laptop.database.gridTree()
        let grid = laptop.directory.grid
        var inScope: [String: Data] = [:]
        var left: [String: RecordState] = [:]
        for (key, bytes) in try laptop.directory.records() {
            let state = try CanonicalJSON.decode(RecordState.self, from: bytes)
            if tree.isWithin(state.visibleValue(of: "gridId")?.stringValue ?? "", subtreeOf: grid) {
                inScope[key] = bytes
            } else {
                left[key] = state
            }
        }
        let server = try county.serverRecords(scope: grid)
        var problems: [String] = []
        if inScope != server {
            problems.append("\(laptop.name) differs from the server's scope: \(FaultLab.differences(inScope, server))")
        }
        for (key, state) in left {
            guard let bytes = try county.serverState(key) else {
                problems.append("\(laptop.name) holds \(key), which the server does not have")
                continue
            }
            let current = try CanonicalJSON.decode(RecordState.self, from: bytes)
            if !current.clock.dominates(state.clock) {
                problems.append("\(laptop.name) holds \(key), moved away, with operations the server lacks")
            }
        }
        return problems
    }

    /// An edit by what it wrote, whatever dot it went under (a copy enrolled again renumbers its
    /// unsent edits): the record, the clock reading, and the change.
    struct Edit: Hashable, CustomStringConvertible {
        let record: RecordKey
        let hlc: HLCTimestamp
        let payload: SyncOperation.Payload

        init(_ operation: SyncOperation) {
            record = operation.record
            hlc = operation.hlc
            payload = operation.payload
        }

        var description: String { "\(payload.kind.rawValue) of \(record) at \(hlc)" }
    }

    /// A set-aside operation as both sides list it.
    struct Aside: Hashable, Comparable, CustomStringConvertible {
        let dot: String
        let record: String
        let kind: String

        static func < (left: Aside, right: Aside) -> Bool { left.description < right.description }
        var description: String { "\(dot) \(kind) \(record)" }
    }
}
