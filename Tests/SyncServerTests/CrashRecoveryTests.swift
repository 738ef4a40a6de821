import AsyncHTTPClient
import Foundation
import GridSyncServer
import GridSyncTestSupport
import NIOCore
import NIOHTTP1
import Shared
import Synchronization
import Testing

/// DESIGN.md §5 under crashes: a real `sync-server` is killed with SIGKILL at random moments while
/// agents push batches over HTTP. No acknowledged operation may be lost or stored twice, the store
/// must pass its integrity check after every crash, and in the end every agent converges on
/// exactly what the server holds.
///
/// Reproduce a run's kill timings with `GRIDSYNC_CRASH_SEED=<seed>` (printed at the start); set the
/// number of kills with `GRIDSYNC_CRASH_KILLS` and keep the data folder with `GRIDSYNC_CRASH_KEEP=1`.
/// The agents' traffic depends on thread timing, so a seed pins the kill schedule and the agents'
/// choices, not the exact interleaving.
@Suite struct CrashRecoveryTests {
    @Test(.timeLimit(.minutes(3)))
    func killedServerNeverLosesOrDuplicatesAcknowledgedOperations() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seed =
            environment["GRIDSYNC_CRASH_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64(UInt32.max))
        let kills = max(1, environment["GRIDSYNC_CRASH_KILLS"].flatMap { Int($0) } ?? 25)
        print("CrashRecovery: seed \(seed), \(kills) kills (rerun with GRIDSYNC_CRASH_SEED=\(seed))")
        try await Self.play(CrashScenario(seed: seed, kills: kills, keep: environment["GRIDSYNC_CRASH_KEEP"] == "1"))
    }

    /// SIGTERM (what systemd sends) lets in-flight exchanges finish and exits cleanly; the same
    /// durability checks hold after every stop.
    @Test(.timeLimit(.minutes(2)))
    func terminatedServerShutsDownCleanlyAndKeepsEverything() async throws {
        let seed = UInt64.random(in: 1...UInt64(UInt32.max))
        print("CrashRecovery (SIGTERM): seed \(seed)")
        try await Self.play(CrashScenario(seed: seed, kills: 5, keep: false, signal: SIGTERM))
    }

    /// Runs a scenario and always cleans up after it, whether it passed or threw.
    private static func play(_ scenario: CrashScenario) async throws {
        do {
            try await scenario.run()
        } catch {
            await scenario.cleanUp()
            throw error
        }
        await scenario.cleanUp()
    }
}

// MARK: - The scenario

/// One crash run: a data folder, the daemon of the moment, four agents and the kill schedule.
private final class CrashScenario {
    let seed: UInt64
    let kills: Int
    let keep: Bool
    /// SIGKILL for crashes, SIGTERM for graceful stops.
    let signal: Int32
    let folder: URL
    let data: String
    let logs: URL
    let board = CrashBoard()
    let wire: CrashWire
    private var server: ServerProcess?
    private var generation = 0
    private var startupTimes: [Duration] = []
    private var shutDown = false

    /// The agents: three at one group (they share every record) and one at its village, which also
    /// writes in the neighbouring group, so scoped pulls and cursor jumps are exercised too.
    static let agentGrids = ["c-1-1-1-1", "c-1-1-1-1", "c-1-1-1-1", "c-1-1"]

    init(seed: UInt64, kills: Int, keep: Bool, signal: Int32 = SIGKILL) throws {
        _ = try BuiltBinary.syncServer.url()  // fail early, with the message that says how to build it
        self.seed = seed
        self.kills = kills
        self.keep = keep
        self.signal = signal
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gridsync-crash-\(UUID().uuidString)")
        data = folder.appendingPathComponent("data").path
        logs = folder.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .milliseconds(500), read: .seconds(5)))
        configuration.connectionPool = .init(idleTimeout: .seconds(2))
        wire = CrashWire(
            http: HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        )
    }

    func cleanUp() async {
        server?.killNow()
        server = nil
        if !shutDown {
            shutDown = true
            try? await wire.http.shutdown()
        }
        if keep {
            print("CrashRecovery: kept \(folder.path)")
        } else {
            try? FileManager.default.removeItem(at: folder)
        }
    }

    func run() async throws {
        let clock = ContinuousClock()
        let began = clock.now
        var agents = try setUp()
        try await startServer()
        for index in agents.indices {
            try await takeInitialSnapshot(&agents[index])
        }

        // Agents sync without pause while the daemon is killed and restarted under them.
        let board = board
        let wire = wire
        agents = try await withThrowingTaskGroup(of: CrashAgent.self, returning: [CrashAgent].self) { group in
            for agent in agents {
                group.addTask { await CrashAgent.drive(agent, board: board, wire: wire) }
            }
            do {
                try await killRepeatedly()
            } catch {
                board.stop()
                for try await _ in group {}
                throw error
            }
            board.stop()
            var finished: [CrashAgent] = []
            for try await agent in group { finished.append(agent) }
            return finished.sorted { $0.id < $1.id }
        }
        let stats = board.stats
        let runViolations = board.violations
        #expect(runViolations.isEmpty, "seed \(seed): \(runViolations.prefix(20).joined(separator: "\n"))")

        // Every outbox is flushed, then every agent pulls until the server has nothing more.
        for index in agents.indices {
            try await flush(&agents[index])
        }
        for index in agents.indices {
            try await pullEverything(&agents[index])
        }
        let endViolations = board.violations.dropFirst(runViolations.count)
        #expect(endViolations.isEmpty, "seed \(seed), at the end: \(endViolations.prefix(20).joined(separator: "\n"))")

        // One last crash, then the whole store is checked against what the agents know.
        let reason = try await server!.kill()
        #expect(reason == .uncaughtSignal)
        server = nil
        try await finalCheck(agents)

        let elapsed = clock.now - began
        let mean = startupTimes.reduce(Duration.zero, +) / max(1, startupTimes.count)
        print(
            "CrashRecovery: seed \(seed): \(kills + 1) kills in \(String(format: "%.1f", Self.seconds(elapsed))) s; "
                + "\(stats.answered) exchanges answered, \(stats.unavailable) failed in crashes and were retried "
                + "(\(board.stats.answersLost) of them committed before the crash, answer lost), "
                + "\(agents.map(\.replica.counter).reduce(0, +)) operations acknowledged; "
                + "restart to healthy takes \(Int(Self.seconds(mean) * 1000)) ms on average"
        )
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    // MARK: Set-up

    /// Imports the test county and enrolls the agents with the real binary, as an operator would.
    private func setUp() throws -> [CrashAgent] {
        try LiveDaemon.importTestCounty(data: data, scratch: folder)
        var agents: [CrashAgent] = []
        for (index, grid) in Self.agentGrids.enumerated() {
            let (replica, token) = try LiveDaemon.enroll(grid: grid, data: data, scratch: folder)
            try #require(replica == ReplicaID(UInt32(index + 1)), "agents are numbered in enrollment order")
            agents.append(
                CrashAgent(
                    replica: replica,
                    token: token,
                    grid: grid,
                    seed: seed &+ UInt64(replica.rawValue) &* 0x9E37_79B9
                )
            )
        }
        return agents
    }

    /// A new agent's snapshot is pending; until it takes one, sync answers `409 resync_required`.
    private func takeInitialSnapshot(_ agent: inout CrashAgent) async throws {
        let port = try #require(server?.port)
        var after: String?
        var first: SnapshotPage?
        repeat {
            let page = try await wire.snapshot(token: agent.token, after: after, port: port)
            if first == nil { first = page }
            for record in page.records { agent.adopt(record) }
            after = page.nextAfter
        } while after != nil
        agent.cursor = first!.cursor
    }

    // MARK: Crashing

    private func startServer() async throws {
        generation += 1
        let clock = ContinuousClock()
        let began = clock.now
        let wire = wire
        let process = try await ServerProcess.serve(
            dataDirectory: data,
            logs: logs,
            generation: generation,
            environment: ["SYNC_SERVER_LOG_LEVEL": "warning", "SYNC_SERVER_SYNC_PAGE_SIZE": "50"],
            health: { port in await wire.healthy(port: port) }
        )
        startupTimes.append(clock.now - began)
        server = process
        board.serving(on: process.port)
    }

    /// Lets the agents run for 50–400 ms, kills the daemon with SIGKILL, checks the store, restarts it.
    private func killRepeatedly() async throws {
        var schedule = SplitMix64(seed: seed)
        for round in 1...kills {
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...400, using: &schedule)))
            let (reason, status) = try await server!.stop(with: signal)
            board.serving(on: nil)
            server = nil
            if signal == SIGKILL {
                try #require(reason == .uncaughtSignal, "round \(round): the daemon ended by \(reason), not SIGKILL")
            } else {
                try #require(
                    reason == .exit && status == 0,
                    "round \(round): after SIGTERM the daemon ended by \(reason) with status \(status)"
                )
            }
            // Read after the daemon is gone: every acknowledgement published by now was sent after
            // its commit, so it must be in the store.
            let progress = board.progress
            try await checkAfterCrash(round: round, progress: progress)
            try await startServer()
        }
    }

    /// The store of the stopped daemon, as its next start would open it.
    private func openStore() throws -> any SyncStore & StoreInspection {
        try TestStore.open(directory: data)
    }

    /// The store right after a crash: sound, and holding every acknowledged operation once, without gaps.
    ///
    /// Stops the run at the first crash that broke a promise, so the report names that crash.
    private func checkAfterCrash(round: Int, progress: CrashBoard.Progress) async throws {
        let problems = try await problemsAfterCrash(in: openStore(), progress: progress)
        try #require(
            problems.isEmpty,
            "seed \(seed), after crash \(round) of \(kills):\n\(problems.joined(separator: "\n"))"
        )
    }

    private func problemsAfterCrash(
        in store: any SyncStore & StoreInspection,
        progress: CrashBoard.Progress
    ) async throws -> [String] {
        let verdict = try await store.integrityProblems()
        guard verdict.isEmpty else { return ["the integrity check says \(verdict.prefix(10))"] }
        var problems: [String] = []
        let log = try await store.loggedOperations().map(\.dot)
        let agents = try await store.agents()
        let duplicates = Self.storedTwice(log)
        if !duplicates.isEmpty { problems.append("dots stored twice: \(duplicates.prefix(10))") }
        for (replica, acknowledged) in progress.acknowledged.sorted(by: { $0.key < $1.key }) {
            let stored = log.filter { $0.replica.rawValue == replica && $0.counter >= 1 && $0.counter <= acknowledged }
                .count
            if stored != Int(acknowledged) {
                problems.append(
                    "agent \(replica) was acknowledged through \(acknowledged) but the log holds \(stored) of those"
                )
            }
            let serverAck = agents.first { $0.replica.rawValue == replica }.map { Int64($0.acknowledgedThrough) } ?? -1
            if serverAck < Int64(acknowledged) {
                problems.append(
                    "agent \(replica): the stored acknowledgement went back from \(acknowledged) to \(serverAck)"
                )
            }
        }
        // Per agent: the log holds exactly counters 1…N, N is the agent's stored acknowledgement,
        // and N was authored by the agent.
        for agent in agents {
            let replica = agent.replica.rawValue
            let ack = agent.acknowledgedThrough
            let counters = log.filter { $0.replica == agent.replica }.map(\.counter)
            let count = UInt64(counters.count)
            let top = counters.max() ?? 0
            if !(count == top && top == ack) {
                problems.append(
                    "agent \(replica): \(count) operations stored, highest counter \(top), acknowledged through \(ack)"
                )
            }
            let authored = progress.authored[replica] ?? 0
            if top > authored {
                problems.append("agent \(replica) authored \(authored) operations but the log has counter \(top)")
            }
            if let last = progress.unanswered[replica], top >= last { board.answerLost() }
        }
        let enrolled = Set(agents.map(\.replica))
        let strangers = log.filter { $0.replica != .server && !enrolled.contains($0.replica) }.count
        if strangers > 0 { problems.append("\(strangers) operations from replicas nobody enrolled") }
        return problems
    }

    /// The dots the log holds more than once.
    private static func storedTwice(_ log: [Dot]) -> [Dot] {
        Dictionary(grouping: log, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
    }

    // MARK: The end

    /// Sends the agent's outbox (and any batch still unanswered) until all of it is acknowledged.
    private func flush(_ agent: inout CrashAgent) async throws {
        var attempts = 0
        while agent.pending != nil || !agent.outbox.isEmpty {
            attempts += 1
            try #require(attempts < 500, "agent \(agent.id.rawValue) could not flush its outbox")
            if try await !exchange(&agent) { try await Task.sleep(for: .milliseconds(10)) }
        }
    }

    /// Syncs until the server has nothing more for the agent.
    private func pullEverything(_ agent: inout CrashAgent) async throws {
        var attempts = 0
        while true {
            attempts += 1
            try #require(attempts < 1000, "agent \(agent.id.rawValue) never caught up")
            guard let answer = try await exchangeAnswer(&agent) else {
                try await Task.sleep(for: .milliseconds(10))
                continue
            }
            if !answer.hasMore { return }
        }
    }

    /// One exchange outside the run: true when answered.
    private func exchange(_ agent: inout CrashAgent) async throws -> Bool {
        try await exchangeAnswer(&agent) != nil
    }

    private func exchangeAnswer(_ agent: inout CrashAgent) async throws -> SyncResponse? {
        let port = try #require(server?.port)
        let request = agent.pending ?? agent.nextRequest()
        agent.pending = request
        switch await wire.sync(request, token: agent.token, port: port) {
        case .answered(let answer):
            board.report(agent.accept(answer))
            return answer
        case .unavailable:
            return nil
        case .refused(let status, let body):
            throw ServerProcessError("seed \(seed): agent \(agent.id.rawValue) was refused with \(status): \(body)")
        }
    }

    /// After the last crash: the log against every operation the agents authored, the agents'
    /// acknowledgements, registrations, and every agent's records against the server's.
    private func finalCheck(_ agents: [CrashAgent]) async throws {
        let store = try openStore()
        let verdict = try await store.integrityProblems()
        try #require(verdict.isEmpty, "seed \(seed), final: the integrity check says \(verdict.prefix(10))")
        let logged = try await store.loggedOperations()
        let duplicates = Self.storedTwice(logged.map(\.dot))
        #expect(duplicates.isEmpty, "seed \(seed), final: dots stored twice: \(duplicates.prefix(10))")
        let stored = try await store.agents()
        let records = try await store.storedRecords()
        var log: [Dot: [Data]] = [:]
        for operation in logged { log[operation.dot, default: []].append(operation.body) }
        let byReplica = Dictionary(uniqueKeysWithValues: agents.map { ($0.id, $0) })

        // Every acknowledged dot is stored exactly once, with the bytes its author sent.
        for agent in agents {
            #expect(agent.outbox.isEmpty && agent.pending == nil)
            #expect(
                agent.acknowledged.count == Int(agent.replica.counter),
                "agent \(agent.id.rawValue): \(agent.acknowledged.count) of \(agent.replica.counter) operations acknowledged"
            )
            var missing: [Dot] = []
            var twice: [Dot] = []
            var altered: [Dot] = []
            for dot in agent.acknowledged.sorted() {
                guard let bodies = log[dot] else {
                    missing.append(dot)
                    continue
                }
                if bodies.count != 1 { twice.append(dot) }
                if bodies.first != CanonicalJSON.encode(agent.authored[Int(dot.counter) - 1]) {
                    altered.append(dot)
                }
            }
            #expect(missing.isEmpty, "seed \(seed): acknowledged but lost: \(missing.prefix(20))")
            #expect(twice.isEmpty, "seed \(seed): stored more than once: \(twice.prefix(20))")
            #expect(
                altered.isEmpty,
                "seed \(seed): stored differently from what the agent sent: \(altered.prefix(20))"
            )
            let serverAck = stored.first { $0.replica == agent.id }.map { Int64($0.acknowledgedThrough) }
            #expect(
                serverAck == Int64(agent.acknowledgedThrough) && agent.acknowledgedThrough == agent.replica.counter,
                "agent \(agent.id.rawValue): the server acknowledged through \(serverAck ?? -1), the agent saw \(agent.acknowledgedThrough) of \(agent.replica.counter)"
            )
        }

        // No dot that nobody authored: agents' dots were all sent by them; the server's own are registrations.
        let strangers = log.keys.filter { dot in
            dot.replica != .server && (byReplica[dot.replica].map { dot.counter > $0.replica.counter } ?? true)
        }
        #expect(strangers.isEmpty, "seed \(seed): dots no agent authored: \(strangers.sorted().prefix(20))")

        // The records: each stored canonically, each incident registered once with its own number.
        var states: [RecordKey: (state: RecordState, g2: String?, g4: String?)] = [:]
        for record in records {
            let state = try CanonicalJSON.decode(RecordState.self, from: record.state)
            #expect(CanonicalJSON.encode(state) == record.state, "\(state.key) is stored in canonical form")
            states[state.key] = (state, record.ancestors[1], record.ancestors[3])
        }
        let incidents = states.values.filter { $0.state.type == .incident }
        let registrations = incidents.map { entry in entry.state.events.filter { $0.event.action == .register } }
        #expect(registrations.allSatisfy { $0.count == 1 }, "every incident is registered exactly once")
        let numbers = registrations.compactMap { $0.first?.event.registryNumber }
        #expect(Set(numbers).count == numbers.count, "registry numbers are unique")
        let serverDots = log.keys.filter { $0.replica == .server }.count
        #expect(
            serverDots == incidents.count,
            "the server authored \(serverDots) operations for \(incidents.count) incidents"
        )

        // Every agent holds exactly the server's state of every record in its scope.
        for agent in agents {
            let scope = states.filter { agent.grid == "c-1-1" ? $0.value.g2 == "c-1-1" : $0.value.g4 == agent.grid }
            #expect(
                agent.replica.waiting.isEmpty,
                "agent \(agent.id.rawValue) still waits on \(agent.replica.waiting.count) records"
            )
            #expect(
                Set(agent.replica.records.keys) == Set(scope.keys),
                "agent \(agent.id.rawValue) holds \(agent.replica.records.count) records, its scope \(scope.count)"
            )
            var differing: [RecordKey] = []
            for (key, entry) in scope {
                let mine = agent.replica.records[key].map { CanonicalJSON.encode($0) }
                if mine != CanonicalJSON.encode(entry.state) { differing.append(key) }
            }
            #expect(
                differing.isEmpty,
                "seed \(seed): agent \(agent.id.rawValue) differs from the server on \(differing.count) records, e.g. \(differing.sorted().prefix(3))"
            )
        }
    }
}

// MARK: - What the agents and the killer share

/// The daemon's port of the moment, the stop flag, and what the agents have seen acknowledged.
private final class CrashBoard: Sendable {
    struct Progress {
        /// Per agent, the counter through which the server acknowledged (acknowledgements are prefixes).
        var acknowledged: [UInt32: UInt64] = [:]
        /// Per agent, how many operations it has authored (published before any of them is sent).
        var authored: [UInt32: UInt64] = [:]
        /// Per agent, the highest counter of the batch it is sending and has no answer for.
        var unanswered: [UInt32: UInt64] = [:]
    }

    struct Stats {
        var answered = 0
        var unavailable = 0
        /// Batches the server had committed when it was killed, before the agent got the answer.
        var answersLost = 0
    }

    private struct State {
        var port: Int?
        var stopping = false
        var progress = Progress()
        var stats = Stats()
        var violations: [String] = []
    }

    private let state = Mutex(State())

    var port: Int? { state.withLock { $0.port } }
    var stopping: Bool { state.withLock { $0.stopping } }
    var progress: Progress { state.withLock { $0.progress } }
    var stats: Stats { state.withLock { $0.stats } }
    var violations: [String] { state.withLock { $0.violations } }

    func serving(on port: Int?) { state.withLock { $0.port = port } }
    func stop() { state.withLock { $0.stopping = true } }

    func authored(_ replica: ReplicaID, through counter: UInt64) {
        state.withLock { $0.progress.authored[replica.rawValue] = counter }
    }

    func acknowledged(_ replica: ReplicaID, through counter: UInt64) {
        state.withLock {
            $0.progress.acknowledged[replica.rawValue] = counter
            $0.progress.unanswered[replica.rawValue] = nil
        }
    }

    func sending(_ replica: ReplicaID, through counter: UInt64?) {
        state.withLock { $0.progress.unanswered[replica.rawValue] = counter }
    }

    func answerLost() { state.withLock { $0.stats.answersLost += 1 } }

    func answered() { state.withLock { $0.stats.answered += 1 } }
    func unavailable() { state.withLock { $0.stats.unavailable += 1 } }
    func report(_ problems: [String]) {
        guard !problems.isEmpty else { return }
        state.withLock { $0.violations += problems }
    }
}

// MARK: - An agent

/// A field agent as the crash test drives it: a replica, an outbox, a cursor, and a record of
/// everything it authored and everything the server acknowledged.
private struct CrashAgent: Sendable {
    var replica: InMemoryReplica
    let token: String
    let grid: String
    var outbox: [SyncOperation] = []
    var cursor: UInt64 = 0
    var acknowledgedThrough: UInt64 = 0
    /// Every dot the server acknowledged.
    var acknowledged: Set<Dot> = []
    /// Every operation authored, by counter (index counter − 1).
    var authored: [SyncOperation] = []
    /// The batch sent and not yet answered; resent unchanged until it is.
    var pending: SyncRequest?
    var households: [RecordKey] = []
    var householdSet: Set<RecordKey> = []
    var random: SplitMix64

    var id: ReplicaID { replica.replica }

    init(replica: ReplicaID, token: String, grid: String, seed: UInt64) {
        self.replica = InMemoryReplica(replica: replica)
        self.token = token
        self.grid = grid
        random = SplitMix64(seed: seed)
    }

    /// The loop each agent runs while the daemon is crashed under it.
    static func drive(_ start: CrashAgent, board: CrashBoard, wire: CrashWire) async -> CrashAgent {
        var agent = start
        while !board.stopping {
            guard let port = board.port else {
                try? await Task.sleep(for: .milliseconds(5))
                continue
            }
            if agent.pending == nil {
                if agent.outbox.count < 200 { agent.author(Int.random(in: 1...12, using: &agent.random)) }
                board.authored(agent.id, through: agent.replica.counter)
                agent.pending = agent.nextRequest()
                board.sending(agent.id, through: agent.pending!.operations.last?.dot.counter)
            }
            switch await wire.sync(agent.pending!, token: agent.token, port: port) {
            case .answered(let answer):
                board.answered()
                board.report(agent.accept(answer))
                board.acknowledged(agent.id, through: agent.acknowledgedThrough)
                if !answer.hasMore {
                    try? await Task.sleep(for: .milliseconds(Int.random(in: 0...8, using: &agent.random)))
                }
            case .unavailable:
                board.unavailable()
                try? await Task.sleep(for: .milliseconds(10))
            case .refused(let status, let body):
                board.report(["agent \(agent.id.rawValue) was refused with \(status): \(body)"])
                return agent
            }
        }
        return agent
    }

    /// Authors `count` operations: new households, new incidents, edits of households it knows.
    mutating func author(_ count: Int) {
        for _ in 0..<count {
            let now = WallClock.nowMilliseconds()
            let roll = Int.random(in: 0..<100, using: &random)
            let home = grid == "c-1-1" ? (Bool.random(using: &random) ? "c-1-1-1-1" : "c-1-1-1-2") : grid
            if roll < 6 {
                let key = RecordKey(type: .incident, id: RecordID.make(nowMilliseconds: now, using: &random))
                write(
                    .create([
                        "gridId": .string(home), "category": .string("dispute"),
                        "summary": .string("邻里纠纷 \(replica.counter + 1)"),
                    ]),
                    to: key,
                    now: now
                )
            } else if roll < 35 || households.isEmpty {
                let key = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: now, using: &random))
                write(
                    .create([
                        "gridId": .string(home), "address": .string("一组\(replica.counter + 1)号"),
                        "headName": .string("包测试"),
                    ]),
                    to: key,
                    now: now
                )
            } else {
                let key = households[Int.random(in: 0..<households.count, using: &random)]
                var fields: [String: FieldValue] = [:]
                switch Int.random(in: 0..<4, using: &random) {
                case 0:
                    fields["phone"] = .string(
                        "138\(String(format: "%08d", Int.random(in: 0..<100_000_000, using: &random)))"
                    )
                case 1: fields["status"] = .string(Bool.random(using: &random) ? "active" : "movedAway")
                case 2: fields["verifiedBy"] = .string("网格员\(id.rawValue)")
                default: fields["note"] = .string("备注 \(id.rawValue):\(replica.counter + 1)")
                }
                write(.set(fields), to: key, now: now)
            }
        }
    }

    private mutating func write(_ payload: SyncOperation.Payload, to key: RecordKey, now: UInt64) {
        let operation = replica.write(payload, to: key, now: now)
        outbox.append(operation)
        authored.append(operation)
        know(key)
    }

    private mutating func know(_ key: RecordKey) {
        if key.type == .household, householdSet.insert(key).inserted { households.append(key) }
    }

    /// A record from a snapshot page (none are expected: the agents start on an empty county).
    mutating func adopt(_ state: RecordState) {
        know(state.key)
        // InMemoryReplica has no way to load a state wholesale; the test county starts empty.
        precondition(state.clock.isEmpty, "the crash test starts with no records")
    }

    func nextRequest() -> SyncRequest {
        SyncRequest(batchId: UUID().uuidString.lowercased(), cursor: cursor, operations: outbox)
    }

    /// Takes in the answer to the pending batch; returns what broke the protocol's promises.
    mutating func accept(_ answer: SyncResponse) -> [String] {
        var problems: [String] = []
        let batch = pending!
        pending = nil
        let name = "agent \(id.rawValue), batch \(batch.batchId)"
        let expected = max(acknowledgedThrough, batch.operations.last?.dot.counter ?? 0)
        if answer.acknowledgedThrough != expected {
            problems.append(
                "\(name): acknowledged through \(answer.acknowledgedThrough), expected \(expected) (before: \(acknowledgedThrough))"
            )
        }
        if answer.cursor < batch.cursor {
            problems.append("\(name): the cursor went back from \(batch.cursor) to \(answer.cursor)")
        }
        for operation in batch.operations where operation.dot.counter <= answer.acknowledgedThrough {
            acknowledged.insert(operation.dot)
        }
        acknowledgedThrough = max(acknowledgedThrough, min(answer.acknowledgedThrough, replica.counter))
        outbox.removeAll { $0.dot.counter <= acknowledgedThrough }
        for operation in answer.operations {
            if operation.dot.replica == id { problems.append("\(name): pulled its own operation \(operation.dot)") }
            replica.receive(operation)
            know(operation.record)
        }
        cursor = max(cursor, answer.cursor)
        return problems
    }
}

// MARK: - The wire

private enum ExchangeOutcome: Sendable {
    case answered(SyncResponse)
    /// The daemon could not be reached, or dropped the connection: retry the same batch.
    case unavailable(String)
    /// A 4xx or 5xx answer: never expected in this test.
    case refused(Int, String)
}

/// The HTTP side of an agent: gzip JSON over AsyncHTTPClient, with short timeouts.
private struct CrashWire: Sendable {
    let http: HTTPClient
    static let deadline: TimeAmount = .seconds(5)

    func sync(_ request: SyncRequest, token: String, port: Int) async -> ExchangeOutcome {
        let body = Gzip.compress(CanonicalJSON.encode(request))
        var call = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/sync")
        call.method = .POST
        call.headers.add(name: "Content-Type", value: "application/json")
        call.headers.add(name: "Content-Encoding", value: "gzip")
        call.headers.add(name: "Accept-Encoding", value: "gzip")
        call.headers.add(name: "Authorization", value: "Bearer \(token)")
        call.body = .bytes(ByteBuffer(bytes: body))
        let status: UInt
        let data: Data
        do {
            (status, data) = try await send(call)
        } catch {
            return .unavailable("\(error)")
        }
        guard status == 200 else { return .refused(Int(status), String(decoding: data, as: UTF8.self)) }
        do {
            return .answered(try CanonicalJSON.decode(SyncResponse.self, from: data))
        } catch {
            // A complete 200 that does not decode would be a server bug, not a crash.
            return .refused(200, "undecodable answer (\(error)): \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
    }

    func snapshot(token: String, after: String?, port: Int) async throws -> SnapshotPage {
        let query = after.map { "?after=" + $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! } ?? ""
        var call = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/snapshot" + query)
        call.headers.add(name: "Accept-Encoding", value: "gzip")
        call.headers.add(name: "Authorization", value: "Bearer \(token)")
        let (status, data) = try await send(call)
        guard status == 200 else {
            throw ServerProcessError("snapshot answered \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return try CanonicalJSON.decode(SnapshotPage.self, from: data)
    }

    func healthy(port: Int) async -> Bool {
        let call = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
        guard let (status, _) = try? await send(call, deadline: .milliseconds(500)) else { return false }
        return status == 200
    }

    /// Sends and reads the whole body, inflating it when it came gzip-compressed.
    private func send(_ call: HTTPClientRequest, deadline: TimeAmount = deadline) async throws -> (UInt, Data) {
        let response = try await http.execute(call, timeout: deadline)
        let buffer = try await response.body.collect(upTo: 256 << 20)
        let data = Data(buffer.readableBytesView)
        let inflated =
            response.headers.first(name: "Content-Encoding")?.lowercased() == "gzip"
            ? try Gzip.decompress(data, limit: 1 << 30) : data
        return (response.status.code, inflated)
    }
}
