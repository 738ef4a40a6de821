import Foundation
import GridSyncTestSupport
import Shared
import Testing

@testable import GridSyncAgent

/// Syncs over a link that drops at random bytes: a real `sync-server serve`, a ``FaultProxy`` in
/// front of it, and three agents driven in-process through the library, each sync a fresh
/// connection through the proxy with one attempt only, so that every cut surfaces as a thrown
/// error that the schedule simply follows with another sync.
///
/// Whatever the cuts, no operation may be lost (an outbox dropped before its acknowledgement) or
/// stored twice, and no pulled page may be skipped (a cursor moved before its operations were
/// committed): at the end the outboxes are empty, the server holds each agent's counters exactly
/// once, and every replica holds byte for byte the server's states of its scope.
@Suite struct FaultyLinkTests {
    /// Exchanges to attempt in the faulty phase.
    static let exchanges = 250

    @Test(.timeLimit(.minutes(3)))
    func syncsCutAtRandomBytesLoseNothingStoreNothingTwiceAndConverge() async throws {
        let seed = TestSeed.fromEnvironment()
        print("FaultyLinkTests: seed \(seed) (replay with GRIDSYNC_TEST_SEED=\(seed))")
        try await LiveCounty.with { county in
            var random = SplitMix64(seed: seed)
            // Enrolled straight to the server, without faults.
            let directories = [
                try county.enroll(grid: "c-1-1-1-1"),
                try county.enroll(grid: "c-1-1-1-2"),
                try county.enroll(grid: "c-1-1-1"),
            ]
            let proxy = try FaultProxy(upstreamPort: county.server.port)
            defer { proxy.stop() }
            let proxyURL = "http://127.0.0.1:\(proxy.port)"
            var agents = try directories.map { try LinkAgent($0) }

            // The faulty phase.
            let clock = ContinuousClock()
            let started = clock.now
            var tally = Tally()
            // What went wrong in the faulty phase, reported together after it.
            var anomalies: [String] = []
            for round in 0..<Self.exchanges {
                let index = Int.random(in: 0..<agents.count, using: &random)
                for _ in 0..<Int.random(in: 0...3, using: &random) {
                    try agents[index].makeRandomEdit(using: &random)
                }
                let fault: Fault
                let roll = Double.random(in: 0..<1, using: &random)
                if roll < 0.5 {
                    let size = try agents[index].estimatedRequestBytes(port: proxy.port)
                    fault = .request(Int.random(in: 0..<size, using: &random))
                } else if roll < 0.8 {
                    fault = .response(Int.random(in: 0..<agents[index].responseEstimate, using: &random))
                } else {
                    fault = .clean
                }
                let faults = fault.connectionFaults
                proxy.plan = { _ in faults }
                let cutsBefore = proxy.cutCount
                let downBefore = proxy.bytesToClient
                tally.attempted += 1
                do {
                    let summary = try FaultLab.sync(
                        agents[index].database,
                        baseURL: proxyURL,
                        token: agents[index].token
                    )
                    tally.succeeded += 1
                    tally.pushed += summary.pushed
                    // A cut exactly at the end of the answer comes after the agent has all of it.
                    if proxy.cutCount > cutsBefore { tally.cutAfterTheEnd += 1 }
                    if case .clean = fault {
                        agents[index].responseEstimate = max(proxy.bytesToClient - downBefore, 64)
                    }
                } catch let error as TransportError {
                    tally.failed += 1
                    if case .clean = fault {
                        anomalies.append("round \(round): a sync through a clean link failed: \(error)")
                    }
                } catch {
                    tally.failed += 1
                    anomalies.append(
                        "round \(round) (\(fault)) of agent \(agents[index].grid): not a network error: \(error)"
                    )
                }
                // Whatever happened, the outbox is exactly what the server has not acknowledged.
                let replica = try agents[index].database.replicaState()
                let outbox = try FaultLab.outboxCounters(agents[index].database)
                let expected = Array(FaultLab.oneTo(replica.counter).dropFirst(Int(replica.acknowledged)))
                if outbox != expected {
                    let range = "\(replica.acknowledged + 1)...\(replica.counter)"
                    anomalies.append(
                        "round \(round) (\(fault)), agent \(agents[index].grid): outbox \(outbox.prefix(10)) is not \(range)"
                    )
                }
                if let serverAcknowledged = try FaultLab.serverAcknowledged(county, replica: agents[index].replica),
                    serverAcknowledged < replica.acknowledged
                {
                    let grid = agents[index].grid
                    anomalies.append(
                        "round \(round): agent \(grid) believes \(replica.acknowledged) acknowledged, the server only \(serverAcknowledged)"
                    )
                }
            }
            let faulty = started.duration(to: clock.now)
            #expect(
                anomalies.isEmpty,
                "\(anomalies.count) anomalies in the faulty phase; the first: \(anomalies.prefix(5))"
            )
            print(
                "FaultyLinkTests: \(tally.attempted) exchanges in \(faulty), \(tally.succeeded) succeeded, "
                    + "\(tally.failed) failed, \(proxy.cutCount) cuts (\(tally.cutAfterTheEnd) after a complete answer), "
                    + "\(proxy.connections) connections; "
                    + "authored \(agents.map(\.authored)) operations"
            )

            // Faults off: sync every agent, in rounds, until a whole round moves nothing.
            proxy.plan = { _ in .none }
            var quiet = false
            var rounds = 0
            while !quiet && rounds < 8 {
                rounds += 1
                var moved = 0
                for agent in agents {
                    let summary = try FaultLab.sync(agent.database, baseURL: proxyURL, token: agent.token)
                    moved += summary.pushed + summary.pulled
                }
                quiet = moved == 0 && rounds >= 2
            }
            #expect(quiet, "still moving operations after \(rounds) clean rounds")

            // (d) The faults really happened.
            #expect(tally.attempted >= 200)
            #expect(proxy.cutCount >= 80, "only \(proxy.cutCount) connections were cut")
            #expect(tally.failed >= 80, "only \(tally.failed) syncs failed")

            for agent in agents {
                let replica = try agent.database.replicaState()
                // (a) Every outbox is empty.
                #expect(try agent.database.pendingCount() == 0, "agent \(agent.grid): outbox not empty")
                #expect(replica.acknowledged == replica.counter, "agent \(agent.grid)")
                #expect(
                    replica.counter == UInt64(agent.authored),
                    "agent \(agent.grid): counter vs operations authored"
                )
                // (b) Every operation authored is stored on the server exactly once.
                let stored = try FaultLab.oplogCounters(county, replica: agent.replica)
                let missing = Set(FaultLab.oneTo(replica.counter)).subtracting(stored).sorted().prefix(10)
                let duplicates = Dictionary(grouping: stored, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
                    .prefix(10)
                #expect(
                    stored == FaultLab.oneTo(replica.counter),
                    "agent \(agent.grid) (replica \(agent.replica)): the server holds \(stored.count) operations for counters 1...\(replica.counter); missing \(missing), duplicates \(duplicates)"
                )
                #expect(try FaultLab.serverAcknowledged(county, replica: agent.replica) == replica.counter)
                // (c) Byte-identical states of the records in scope.
                let mine = try agent.directory.records()
                let servers = try county.serverRecords(scope: agent.grid)
                #expect(mine == servers, "agent \(agent.grid) vs server: \(FaultLab.differences(mine, servers))")
            }
            let area = try agents[2].directory.records()
            #expect(area == (try county.serverRecords(scope: "c-1-1-1")))
            for group in agents[0...1] {
                let keys = Set(try county.serverRecords(scope: group.grid).keys)
                let ofGroup = area.filter { keys.contains($0.key) }
                #expect(
                    ofGroup == (try group.directory.records()),
                    "the area's agent and \(group.grid)'s agent hold the same records of \(group.grid)"
                )
            }
            #expect(area.count > 50, "the schedule created records: \(area.count)")
        }
    }
}

// MARK: - The schedule

/// The fault planned for one sync's connection.
private enum Fault: CustomStringConvertible {
    case request(Int)
    case response(Int)
    case clean

    var connectionFaults: ConnectionFaults {
        switch self {
        case .request(let offset): ConnectionFaults(cutRequestAfter: offset)
        case .response(let offset): ConnectionFaults(cutResponseAfter: offset)
        case .clean: .none
        }
    }

    var description: String {
        switch self {
        case .request(let offset): "request cut at byte \(offset)"
        case .response(let offset): "response cut at byte \(offset)"
        case .clean: "no fault"
        }
    }
}

private struct Tally {
    var attempted = 0
    var succeeded = 0
    var failed = 0
    var pushed = 0
    var cutAfterTheEnd = 0
}

/// One enrolled agent driven in-process: its replica, token and the edits it may make.
private struct LinkAgent {
    let directory: AgentDir
    let database: AgentDatabase
    let token: String
    let replica: UInt32
    /// The level-4 grids it creates households in.
    let groups: [String]
    var grid: String { directory.grid }
    /// Operations authored here.
    var authored = 0
    /// The size of the last answer through a clean link: where a response cut may fall.
    var responseEstimate = 400
    private var serial = 0

    init(_ directory: AgentDir) throws {
        self.directory = directory
        database = try AgentDatabase.open(directory: directory.path)
        token = try FaultLab.token(of: directory)
        let state = try database.replicaState()
        replica = state.replica.rawValue
        groups = directory.grid == "c-1-1-1" ? ["c-1-1-1-1", "c-1-1-1-2"] : [directory.grid]
    }

    /// About the bytes of the next sync's request: libcurl's headers and the gzip body of the outbox.
    func estimatedRequestBytes(port: Int) throws -> Int {
        let state = try database.replicaState()
        let operations = try database.outbox(limit: Synchronizer.batchLimit)
        let body = Gzip.compress(
            CanonicalJSON.encode(
                SyncRequest(
                    batchId:
                        "\(state.replica.rawValue)-\(operations.last?.dot.counter ?? state.acknowledged)-\(state.cursor)",
                    cursor: state.cursor,
                    operations: operations
                )
            )
        )
        let head =
            "POST /v1/sync HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: */*\r\nAuthorization: Bearer \(token)\r\n"
            + "Accept-Encoding: gzip\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
            + "Content-Length: \(body.count)\r\n\r\n"
        return head.utf8.count + body.count
    }

    /// One record change through `author`: a household created in one of its groups, a `set` of
    /// note, phone or status on a household it holds, or a resident created with a phone.
    mutating func makeRandomEdit(using random: inout SplitMix64) throws {
        serial += 1
        let now = WallClock.nowMilliseconds()
        let households = try database.records(of: .household)
        let roll = Int.random(in: 0..<10, using: &random)
        let authoredNow: [SyncOperation]
        if households.isEmpty || roll < 3 {
            let group = groups.randomElement(using: &random)!
            let key = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: now, using: &random))
            authoredNow = try database.author(
                [
                    .create([
                        "gridId": .string(group),
                        "address": .string("\(group) \(replica)-\(serial)号"),
                        "headName": .string("户主\(replica)-\(serial)"),
                        "status": .string("active"),
                    ])
                ],
                on: key,
                now: now
            )
        } else if roll < 8 {
            let household = households.randomElement(using: &random)!
            let value: [String: FieldValue] =
                switch Int.random(in: 0..<3, using: &random) {
                case 0: ["note": .string("note \(replica)-\(serial)")]
                case 1: ["phone": .string(Self.phone(using: &random))]
                default: ["status": .string(Household.Status.allCases.randomElement(using: &random)!.rawValue)]
                }
            authoredNow = try database.author([.set(value)], on: household.key, now: now)
        } else {
            let household = households.randomElement(using: &random)!
            let group = household.visibleValue(of: "gridId")?.stringValue ?? groups[0]
            let key = RecordKey(type: .resident, id: RecordID.make(nowMilliseconds: now, using: &random))
            authoredNow = try database.author(
                [
                    .create([
                        "gridId": .string(group),
                        "householdId": .string(household.id),
                        "name": .string("居民\(replica)-\(serial)"),
                        "status": .string("active"),
                    ]),
                    .add(field: "phones", element: Self.phone(using: &random)),
                ],
                on: key,
                now: now
            )
        }
        authored += authoredNow.count
    }

    static func phone(using random: inout SplitMix64) -> String {
        "13" + String(format: "%09d", Int.random(in: 0..<1_000_000_000, using: &random))
    }
}
