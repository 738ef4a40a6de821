import Foundation
import GridSyncTestSupport
import Shared
import Testing

@testable import GridSyncAgent

/// A laptop that loses power mid-sync: real `field-agent` children syncing over a slow link (a
/// ``FaultProxy`` at about 20 KB/s) and killed with SIGKILL at random moments. Each replica must
/// stay a sound SQLite database whose outbox is exactly what the server has not acknowledged, and
/// the sync after the last kill must deliver everything: every operation stored once, and the
/// agent holding byte for byte the server's states, as does another agent of the area.
@Suite struct AgentCrashTests {
    /// A weak rural link: every sync of a big outbox takes seconds.
    static let slowLink = ConnectionFaults(latency: .milliseconds(5), bytesPerSecond: 20_000)

    @Test(.timeLimit(.minutes(5)))
    func syncsKilledAtRandomMomentsLoseNothingAndStoreNothingTwice() async throws {
        let seed = TestSeed.fromEnvironment()
        print("AgentCrashTests.sync: seed \(seed) (replay with GRIDSYNC_TEST_SEED=\(seed))")
        try await LiveCounty.with { county in
            var random = SplitMix64(seed: seed)
            let proxy = try FaultProxy(upstreamPort: county.server.port)
            defer { proxy.stop() }
            // Enrolled through the proxy, which it remembers, while the link is clean.
            let agent = try FaultLab.enroll(county, grid: "c-1-1-1-1", server: "http://127.0.0.1:\(proxy.port)")
            let area = try county.enroll(grid: "c-1-1-1")

            // The area's agent works in the group first, so that the killed syncs also pull a lot.
            let areaDatabase = try AgentDatabase.open(directory: area.path)
            let areaToken = try FaultLab.token(of: area)
            var households = 400
            try CrashWork.households(households, in: ["c-1-1-1-1"], areaDatabase, tag: "area", using: &random)
            _ = try FaultLab.sync(areaDatabase, baseURL: county.serverURL, token: areaToken)
            // The agent's big outbox: households, each created and then given a note. (The test opens
            // the agent's replica only between the children, so that each kill leaves it as a power
            // cut would, with nobody else holding it open.)
            households += 250
            try CrashWork.households(
                250,
                in: ["c-1-1-1-1"],
                AgentDatabase.open(directory: agent.path),
                tag: "agent",
                using: &random
            )

            proxy.plan = { _ in Self.slowLink }
            let sync = ["sync", "--json", "--attempts", "1", "--data-dir", agent.path]
            var killed = 0
            var phases: [String: Int] = [:]
            for round in 1...10 {
                if round > 1 {
                    // A little more work on both sides, so that a batch the server stored before the
                    // kill comes back with new operations behind the old ones.
                    let mine = Int.random(in: 0...20, using: &random)
                    let theirs = Int.random(in: 0...20, using: &random)
                    households += mine + theirs
                    if mine > 0 {
                        try CrashWork.households(
                            mine,
                            in: ["c-1-1-1-1"],
                            AgentDatabase.open(directory: agent.path),
                            tag: "agent\(round)",
                            using: &random
                        )
                    }
                    if theirs > 0 {
                        try CrashWork.households(
                            theirs,
                            in: ["c-1-1-1-1"],
                            areaDatabase,
                            tag: "area\(round)",
                            using: &random
                        )
                        _ = try FaultLab.sync(areaDatabase, baseURL: county.serverURL, token: areaToken)
                    }
                }
                let before = try AgentDatabase.open(directory: agent.path).replicaState()
                let serverBefore = try FaultLab.serverAcknowledged(county, replica: before.replica.rawValue) ?? 0
                let delay = Int.random(in: 50...1500, using: &random)
                let (up, down) = (proxy.bytesToUpstream, proxy.bytesToClient)
                let child = try AgentChild(sync, scratch: county.folder)
                let ending = try await child.kill(after: .milliseconds(delay))
                if case .killed = ending { killed += 1 }
                if case .exited(let status) = ending, status != 0 {
                    Issue.record("round \(round): sync exited \(status) on its own: \(child.stderr)")
                }
                let state = try CrashWork.checkSound(agent, county: county, after: "kill \(round)")
                let serverAcknowledged = try FaultLab.serverAcknowledged(county, replica: state.replica.rawValue) ?? 0
                let phase =
                    switch ending {
                    case .exited: "finished before the kill"
                    case .killed where state.cursor > before.cursor || state.acknowledged > before.acknowledged:
                        "killed after the agent committed a page"
                    case .killed where serverBefore == before.counter:
                        "killed while sending again a batch the server already held"
                    case .killed where serverAcknowledged > serverBefore:
                        "killed after the server stored the batch, before the agent committed"
                    case .killed: "killed before the server stored the batch"
                    }
                phases[phase, default: 0] += 1
                print(
                    "AgentCrashTests.sync: round \(round), SIGKILL after \(delay) ms: \(phase); acknowledged "
                        + "\(state.acknowledged)/\(state.counter) (server \(serverAcknowledged)), cursor \(state.cursor), "
                        + "bytes up \(proxy.bytesToUpstream - up) down \(proxy.bytesToClient - down)"
                )
            }
            let counter = try AgentDatabase.open(directory: agent.path).replicaState().counter
            print("AgentCrashTests.sync: \(phases)")
            #expect(killed >= 8, "only \(killed) of 10 syncs were still running when killed: \(phases)")

            // The sync after the last kill, over the same slow link, in one attempt.
            let (up, down) = (proxy.bytesToUpstream, proxy.bytesToClient)
            let started = ContinuousClock.now
            let final = try AgentChild(sync, scratch: county.folder)
            let status = try await final.wait(timeout: .seconds(120))
            try #require(status == 0, "the final sync exited \(status): \(final.stderr)")
            let summary = try JSONDecoder().decode(CountedSyncSummary.self, from: Data(final.stdout.utf8))
            print(
                "AgentCrashTests.sync: final sync in \(started.duration(to: .now)), bytes up \(proxy.bytesToUpstream - up) "
                    + "down \(proxy.bytesToClient - down): \(summary)"
            )

            try CrashWork.checkDelivered(agent, counter: counter, county: county)
            #expect(summary.conflicts == 0)
            // Another agent of the area, syncing straight to the server, holds the same.
            try area.sync()
            let areaRecords = try area.records()
            let serverArea = try county.serverRecords(scope: "c-1-1-1")
            #expect(
                areaRecords == serverArea,
                "the area's agent vs the server: \(FaultLab.differences(areaRecords, serverArea))"
            )
            let agentRecords = try agent.records()
            #expect(agentRecords.count == households, "the households of the agent and of the area")
            #expect(
                areaRecords.filter { agentRecords.keys.contains($0.key) } == agentRecords,
                "the area's agent holds the agent's records byte for byte"
            )
        }
    }

    /// Kills aimed at the agent's own work rather than the wire: on a fast link a sync that pulls a
    /// thousand operations spends most of its time merging and committing them, so killing it at a
    /// random multiple (0.2–1.5) of a sync's duration often lands in a commit. A cursor moved before its
    /// page was stored would skip operations for good, and the agent would end up missing states.
    @Test(.timeLimit(.minutes(3)))
    func syncsKilledWhileCommittingBigPagesNeverSkipWhatTheyDidNotStore() async throws {
        let seed = TestSeed.fromEnvironment()
        print("AgentCrashTests.commit: seed \(seed) (replay with GRIDSYNC_TEST_SEED=\(seed))")
        try await LiveCounty.with { county in
            var random = SplitMix64(seed: seed)
            let agent = try county.enroll(grid: "c-1-1-1-1")
            let area = try county.enroll(grid: "c-1-1-1")
            let areaDatabase = try AgentDatabase.open(directory: area.path)
            let areaToken = try FaultLab.token(of: area)
            let sync = ["sync", "--json", "--attempts", "1", "--data-dir", agent.path]
            var households = 0
            /// The area's agent sends `count` households of ten operations each (a create and nine
            /// changes, authored together); the agent sends a few of its own.
            func moreWork(_ count: Int, round: Int, random: inout SplitMix64) throws {
                try CrashWork.busyHouseholds(count, in: "c-1-1-1-1", areaDatabase, tag: "area\(round)", using: &random)
                _ = try FaultLab.sync(areaDatabase, baseURL: county.serverURL, token: areaToken)
                let mine = Int.random(in: 0...3, using: &random)
                if mine > 0 {
                    try CrashWork.busyHouseholds(
                        mine,
                        in: "c-1-1-1-1",
                        AgentDatabase.open(directory: agent.path),
                        tag: "agent\(round)",
                        using: &random
                    )
                }
                households += count + mine
            }

            // A clean sync of the same size measures how long the kills have to land in.
            try moreWork(100, round: 0, random: &random)
            let clean = try AgentChild(sync, scratch: county.folder)
            let cleanStatus = try await clean.wait(timeout: .seconds(60))
            try #require(cleanStatus == 0, "the clean sync exited \(cleanStatus): \(clean.stderr)")
            // How long a sync runs, kept up to date: other tests running beside this one slow it down.
            var duration = try #require(clean.lifetime)
            print("AgentCrashTests.commit: a clean sync of 1000 pulled operations took \(duration)")

            var phases: [String: Int] = [:]
            for round in 1...10 {
                try moreWork(Int.random(in: 50...120, using: &random), round: round, random: &random)
                let before = try AgentDatabase.open(directory: agent.path).replicaState()
                let delay = duration * Double.random(in: 0.2...1.5, using: &random)
                let child = try AgentChild(sync, scratch: county.folder)
                let ending = try await child.kill(after: delay)
                if case .exited(let status) = ending, status != 0 {
                    Issue.record("round \(round): sync exited \(status) on its own: \(child.stderr)")
                }
                let state = try CrashWork.checkSound(agent, county: county, after: "kill \(round)")
                let phase =
                    switch ending {
                    case .exited: "finished before the kill"
                    case .killed where state.cursor > before.cursor: "killed after committing a page"
                    case .killed: "killed before committing a page"
                    }
                phases[phase, default: 0] += 1
                switch ending {
                case .exited: duration = child.lifetime ?? duration
                case .killed: duration = max(duration, delay)
                }
                print(
                    "AgentCrashTests.commit: round \(round), SIGKILL after \(delay): \(phase); cursor \(before.cursor) → "
                        + "\(state.cursor), acknowledged \(state.acknowledged)/\(state.counter)"
                )
            }
            print("AgentCrashTests.commit: \(phases)")
            #expect((phases["finished before the kill"] ?? 0) < 10, "no kill landed while the sync ran: \(phases)")

            let final = try AgentChild(sync, scratch: county.folder)
            let status = try await final.wait(timeout: .seconds(60))
            try #require(status == 0, "the final sync exited \(status): \(final.stderr)")
            let counter = try AgentDatabase.open(directory: agent.path).replicaState().counter
            try CrashWork.checkDelivered(agent, counter: counter, county: county)
            #expect(try agent.records().count == households)
            try area.sync()
            #expect(try area.records() == county.serverRecords(scope: "c-1-1-1"))
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aForcedResyncKilledMidwayKeepsThePendingEditsForTheNextSync() async throws {
        let seed = TestSeed.fromEnvironment()
        print("AgentCrashTests.resync: seed \(seed) (replay with GRIDSYNC_TEST_SEED=\(seed))")
        try await LiveCounty.with { county in
            var random = SplitMix64(seed: seed)
            let proxy = try FaultProxy(upstreamPort: county.server.port)
            defer { proxy.stop() }
            let agent = try FaultLab.enroll(county, grid: "c-1-1-1-1", server: "http://127.0.0.1:\(proxy.port)")
            let area = try county.enroll(grid: "c-1-1-1")
            // Enough of the group on the server that a snapshot takes several pages and seconds over
            // the slow link.
            do {
                let database = try AgentDatabase.open(directory: area.path)
                try CrashWork.households(1200, in: ["c-1-1-1-1"], database, tag: "area", using: &random)
            }
            try area.sync()
            try agent.sync()

            // Edits not yet synced: notes on the area's households and new households.
            var notes: [String: String] = [:]
            let counter: UInt64
            do {
                let database = try AgentDatabase.open(directory: agent.path)
                let households = try database.records(of: .household)
                try #require(households.count == 1200)
                for household in households.shuffled(using: &random).prefix(6) {
                    let note = "resync pending \(household.id.suffix(6))"
                    try database.author(
                        [.set(["note": .string(note)])],
                        on: household.key,
                        now: WallClock.nowMilliseconds()
                    )
                    notes["household/\(household.id)"] = note
                }
                try CrashWork.households(3, in: ["c-1-1-1-1"], database, tag: "pending", using: &random)
                counter = try database.replicaState().counter
                #expect(try database.pendingCount() == 12)
            }

            // A link just fast enough that the kills land before, between and after the snapshot's pages.
            proxy.plan = { _ in ConnectionFaults(latency: .milliseconds(5), bytesPerSecond: 60_000) }
            var killed = 0
            for round in 1...4 {
                let delay = Int.random(in: 50...1500, using: &random)
                let down = proxy.bytesToClient
                let child = try AgentChild(
                    ["resync", "--force", "--attempts", "1", "--data-dir", agent.path],
                    scratch: county.folder
                )
                let ending = try await child.kill(after: .milliseconds(delay))
                if case .killed = ending { killed += 1 }
                if case .exited(let status) = ending, status != 0 {
                    Issue.record("round \(round): resync exited \(status) on its own: \(child.stderr)")
                }
                let state = try CrashWork.checkSound(agent, county: county, after: "killed resync \(round)")
                #expect(state.counter == counter)
                #expect(state.acknowledged == counter - 12, "nothing was acknowledged by a resync")
                let status = try agent.status()
                #expect(status.pendingOperations == 12, "status after killed resync \(round)")
                print(
                    "AgentCrashTests.resync: round \(round), SIGKILL after \(delay) ms: \(ending); snapshot needed "
                        + "\(state.snapshotNeeded), generation \(state.generation), records \(try agent.records().count), "
                        + "bytes down \(proxy.bytesToClient - down)"
                )
            }
            #expect(killed >= 1, "no resync was still running when killed")

            let final = try AgentChild(
                ["sync", "--json", "--attempts", "1", "--data-dir", agent.path],
                scratch: county.folder
            )
            let status = try await final.wait(timeout: .seconds(120))
            try #require(status == 0, "the sync after the killed resyncs exited \(status): \(final.stderr)")
            let summary = try JSONDecoder().decode(CountedSyncSummary.self, from: Data(final.stdout.utf8))
            #expect(summary.pushed == 12, "the pending edits went up: \(final.stdout)")

            try CrashWork.checkDelivered(agent, counter: counter, county: county)
            for (key, note) in notes {
                let state = try #require(try county.serverState(key))
                #expect(String(decoding: state, as: UTF8.self).contains(note), "\(key) has its note on the server")
            }
            try area.sync()
            let areaRecords = try area.records()
            #expect(areaRecords == (try county.serverRecords(scope: "c-1-1-1")))
            let agentRecords = try agent.records()
            #expect(agentRecords.count == 1203)
            #expect(areaRecords.filter { agentRecords.keys.contains($0.key) } == agentRecords)
        }
    }
}

/// The work and the checks the crash tests share.
enum CrashWork {
    /// Authors `count` households through the library, each created and then given a note in a
    /// second operation, spread over `groups`.
    static func households(
        _ count: Int,
        in groups: [String],
        _ database: AgentDatabase,
        tag: String,
        using random: inout SplitMix64
    ) throws {
        for number in 1...count {
            let now = WallClock.nowMilliseconds()
            let group = groups.randomElement(using: &random)!
            let key = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: now, using: &random))
            try database.author(
                [
                    .create([
                        "gridId": .string(group),
                        "address": .string("\(group) \(tag) \(number)号"),
                        "headName": .string("户主\(tag)\(number)"),
                        "status": .string("active"),
                        "phone": .string(
                            "139" + String(format: "%08d", Int.random(in: 0..<100_000_000, using: &random))
                        ),
                    ])
                ],
                on: key,
                now: now
            )
            try database.author([.set(["note": .string("\(tag) note \(number)")])], on: key, now: now)
        }
    }

    /// Authors `count` households in `group` through the library, each a create and nine changes
    /// authored together: many operations for few transactions.
    static func busyHouseholds(
        _ count: Int,
        in group: String,
        _ database: AgentDatabase,
        tag: String,
        using random: inout SplitMix64
    ) throws {
        for number in 1...count {
            let now = WallClock.nowMilliseconds()
            let key = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: now, using: &random))
            var payloads: [SyncOperation.Payload] = [
                .create([
                    "gridId": .string(group),
                    "address": .string("\(group) \(tag) \(number)号"),
                    "headName": .string("户主\(tag)\(number)"),
                    "status": .string("active"),
                ])
            ]
            for change in 1...9 {
                payloads.append(
                    change % 3 == 0
                        ? .set([
                            "phone": .string(
                                "138" + String(format: "%08d", Int.random(in: 0..<100_000_000, using: &random))
                            )
                        ])
                        : .set(["note": .string("\(tag) \(number) change \(change)")])
                )
            }
            try database.author(payloads, on: key, now: now)
        }
    }

    /// After a kill: the replica opens afresh, passes `PRAGMA integrity_check`, and its outbox is
    /// exactly the operations after the acknowledged counter, none of which the server is missing
    /// an acknowledgement for. Returns the replica's state.
    @discardableResult
    static func checkSound(
        _ agent: AgentDir,
        county: LiveCounty,
        after event: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ReplicaState {
        let integrity = try FaultLab.integrity(of: agent)
        #expect(integrity == "ok", "after \(event): integrity_check says \(integrity)", sourceLocation: sourceLocation)
        let database = try AgentDatabase.open(directory: agent.path)
        let state = try database.replicaState()
        let outbox = try FaultLab.outboxCounters(database)
        let expected = Array(FaultLab.oneTo(state.counter).dropFirst(Int(state.acknowledged)))
        #expect(
            outbox == expected,
            "after \(event): the outbox holds \(outbox.count) operations, not \(state.acknowledged + 1)...\(state.counter)",
            sourceLocation: sourceLocation
        )
        let serverAcknowledged = try FaultLab.serverAcknowledged(county, replica: state.replica.rawValue) ?? 0
        #expect(
            serverAcknowledged >= state.acknowledged,
            "after \(event): the agent dropped operations through \(state.acknowledged), the server holds \(serverAcknowledged)",
            sourceLocation: sourceLocation
        )
        return state
    }

    /// After the last sync: the outbox is empty, the server holds every counter `1...counter` of the
    /// agent exactly once, and the agent holds byte for byte the server's states of its scope.
    static func checkDelivered(
        _ agent: AgentDir,
        counter: UInt64,
        county: LiveCounty,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let database = try AgentDatabase.open(directory: agent.path)
        let state = try database.replicaState()
        #expect(try database.pendingCount() == 0, "the outbox is empty", sourceLocation: sourceLocation)
        #expect(state.counter == counter, sourceLocation: sourceLocation)
        #expect(state.acknowledged == counter, sourceLocation: sourceLocation)
        #expect(!state.snapshotNeeded, sourceLocation: sourceLocation)
        let stored = try FaultLab.oplogCounters(county, replica: state.replica.rawValue)
        #expect(
            stored == FaultLab.oneTo(counter),
            "the server holds \(stored.count) operations of the agent (\(Set(stored).count) distinct), not 1...\(counter)",
            sourceLocation: sourceLocation
        )
        let mine = try agent.records()
        let servers = try county.serverRecords(scope: agent.grid)
        #expect(
            mine == servers,
            "agent vs server: \(FaultLab.differences(mine, servers))",
            sourceLocation: sourceLocation
        )
    }
}
