import Foundation
import GridSyncTestSupport
import Shared
import Testing

@testable import GridSyncAgent

/// Issue 4 end to end: a real `sync-server serve` and real `field-agent` processes, each agent in its
/// own data directory, exchanging over HTTP on loopback. Every assertion is on what the binaries
/// print or store: `--json` output, exit codes, stderr, and the record states in both SQLite files.
@Suite struct EndToEndTests {
    // MARK: a. Concurrent edits

    /// Two agents of one subtree edit one household offline: different fields merge, the same field
    /// becomes a conflict everywhere, and editing it again resolves it everywhere.
    @Test(.timeLimit(.minutes(2)))
    func concurrentEditsMergeFieldByFieldAndOneMoreEditResolvesTheConflict() async throws {
        try await LiveCounty.with { county in
            let a = try county.enroll(grid: "c-1-1-1-1")
            let b = try county.enroll(grid: "c-1-1-1")
            let id = try a.addHousehold(grid: "c-1-1-1-1", address: "一组1号", head: "张三")
            let key = "household/\(id)"
            try a.sync()
            try b.sync()
            #expect(try b.households().map(\.id) == [id], "B pulled A's new household")

            // Both offline: different fields, and the same phone.
            try a.update(id, set: ["note=东边", "phone=13900000002"])
            try b.update(id, set: ["residenceType=rented", "phone=13700000003"])
            try a.sync()
            try b.sync()
            try a.sync()

            let bothPhones: Set<FieldValue> = [.string("13900000002"), .string("13700000003")]
            var visiblePhones: [FieldValue?] = []
            for (name, agent) in [("A", a), ("B", b)] {
                let shown = try agent.household(id)
                #expect(shown.fields["note"] == .string("东边"), "agent \(name): A's note merged")
                #expect(shown.fields["residenceType"] == .string("rented"), "agent \(name): B's residence type merged")
                #expect(shown.fields["address"] == .string("一组1号"))
                visiblePhones.append(shown.fields["phone"])

                let conflicts = try agent.conflicts()
                #expect(conflicts.map(\.field) == ["phone"], "agent \(name): only the phone conflicts")
                #expect(conflicts.map(\.id) == [id])
                #expect(Set(conflicts.first?.values.map(\.value) ?? []) == bothPhones, "agent \(name)")
                #expect(conflicts.first?.visible == shown.fields["phone"], "agent \(name): show and conflicts agree")
                #expect(shown.conflicts.map(\.field) == ["phone"], "agent \(name): show lists the conflict too")
                #expect(try agent.status().openConflicts == 1, "agent \(name)")
            }
            #expect(visiblePhones[0] == visiblePhones[1], "A and B show the same phone while the conflict stands")
            #expect(visiblePhones[0].map(bothPhones.contains) == true)

            let onServer = try county.serverConflicts()
            #expect(onServer.map(\.recordId) == [id])
            #expect(onServer.map(\.field) == ["phone"])
            #expect(Set(onServer.first?.values.map(\.value) ?? []) == bothPhones)
            if let conflict = onServer.first, conflict.values.indices.contains(conflict.visible) {
                #expect(conflict.values[conflict.visible].value == visiblePhones[0], "the server shows the same phone")
            }

            let serverState = try #require(try county.serverState(key))
            #expect(try a.records()[key] == serverState, "A's state bytes equal the server's")
            #expect(try b.records()[key] == serverState, "B's state bytes equal the server's")

            // A writes the phone again, having seen both values: the conflict is resolved everywhere.
            try a.update(id, set: ["phone=13700000003"])
            try a.sync()
            try b.sync()
            for (name, agent) in [("A", a), ("B", b)] {
                #expect(try agent.conflicts().isEmpty, "agent \(name): no conflict left")
                #expect(try agent.status().openConflicts == 0, "agent \(name)")
                let shown = try agent.household(id)
                #expect(shown.fields["phone"] == .string("13700000003"), "agent \(name)")
                #expect(shown.fields["note"] == .string("东边"), "agent \(name)")
                #expect(shown.fields["residenceType"] == .string("rented"), "agent \(name)")
            }
            #expect(try county.serverConflicts().isEmpty, "no conflict left on the server")
            let resolved = try #require(try county.serverState(key))
            #expect(resolved != serverState)
            #expect(try a.records()[key] == resolved, "A's state bytes equal the server's")
            #expect(try b.records()[key] == resolved, "B's state bytes equal the server's")
        }
    }

    // MARK: b. Scope

    /// A group's agent and its area's agent see the same households of the group; another village's
    /// agent sees none, its CLI refuses to edit them, and the server refuses a forged write to one.
    @Test(.timeLimit(.minutes(2)))
    func scopeFollowsTheGridTreeAndWritesOutsideItAreRefused() async throws {
        try await LiveCounty.with { county in
            let group = try county.enroll(grid: "c-1-1-1-1")
            let area = try county.enroll(grid: "c-1-1-1")
            let other = try county.enroll(grid: "c-1-2-1-1")

            let first = try group.addHousehold(grid: "c-1-1-1-1", address: "一组1号", head: "张三")
            let second = try area.addHousehold(grid: "c-1-1-1-1", address: "一组2号", head: "李四")
            let neighbour = try area.addHousehold(grid: "c-1-1-1-2", address: "二组1号", head: "王五")
            let theirs = try other.addHousehold(grid: "c-1-2-1-1", address: "二村一组1号", head: "赵六")
            for agent in [group, area, other, group, area, other] { try agent.sync() }

            let groupSees = Set(try group.households().map(\.id))
            let areaSees = try area.households()
            let areaSeesOfTheGroup = Set(areaSees.filter { $0.gridId == "c-1-1-1-1" }.map(\.id))
            #expect(groupSees == [first, second], "the group's agent holds exactly the group's households")
            #expect(areaSeesOfTheGroup == groupSees, "both agents hold the same households of c-1-1-1-1")
            #expect(Set(areaSees.map(\.id)) == [first, second, neighbour], "the area's agent holds its whole subtree")
            let listedByGrid = try area.decodeList(["household", "list", "--grid", "c-1-1-1-1", "--json"])
            #expect(Set(listedByGrid.map(\.id)) == groupSees, "list --grid c-1-1-1-1 on the area's agent")
            #expect(try other.households().map(\.id) == [theirs], "the other village sees none of them")
            #expect(try other.records().keys.sorted() == ["household/\(theirs)"])

            // The other village's agent forges a write to the group's household with its own token.
            let key = "household/\(first)"
            let before = try #require(try county.serverState(key))
            let replica = try AgentDatabase.open(directory: other.path).replicaState()
            let token = try String(contentsOfFile: other.credentialPath, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let client = ServerClient(
                baseURL: replica.serverURL,
                token: token,
                settings: TransportSettings(),
                retry: RetryPolicy(attempts: 1, baseDelay: 0)
            )
            let forged = SyncOperation(
                dot: Dot(replica: replica.replica, counter: replica.counter + 1),
                context: VersionVector(),
                hlc: HLCTimestamp(wallMilliseconds: WallClock.nowMilliseconds()),
                type: .household,
                id: first,
                payload: .set(["note": .string("x")])
            )
            do {
                let answer = try client.exchange(SyncRequest(batchId: "forged", cursor: 0, operations: [forged]))
                Issue.record("the server accepted a write outside the agent's scope: \(answer)")
            } catch let refusal as ServerRefusal {
                #expect(refusal.status == 403, "\(refusal.body)")
                #expect(refusal.code == .outOfScope, "\(refusal.body)")
            }
            #expect(try county.serverState(key) == before, "the server's household is unchanged")
            try group.sync()
            #expect(try group.records()[key] == before, "and nothing reached the group's agent")
            #expect(try group.household(first).fields["note"] == nil)

            // The CLI refuses locally: the household is not on that laptop.
            let local = try other.run(["household", "update", first, "--set", "note=x"])
            #expect(local.status == 1)
            #expect(local.stderr.isOneLine, "one line: \(local.stderr)")
            #expect(local.stderr.contains(first))
            #expect(try other.status().pendingOperations == 0, "nothing was queued")
        }
    }

    // MARK: c. Resync

    /// `resync --force` and the operator's `agents resync` both download the area afresh and keep
    /// every edit not yet synced, which then reaches the county and the other agents.
    @Test(.timeLimit(.minutes(2)))
    func resyncKeepsEditsNotYetSynced() async throws {
        try await LiveCounty.with { county in
            let a = try county.enroll(grid: "c-1-1-1-1")
            let b = try county.enroll(grid: "c-1-1-1")
            let first = try a.addHousehold(grid: "c-1-1-1-1", address: "一组1号", head: "张三")
            try a.sync()

            // Offline: an edit and a new household.
            try a.update(first, set: ["note=门口有狗"])
            let second = try a.addHousehold(grid: "c-1-1-1-1", address: "一组2号", head: "李四")
            #expect(try a.status().pendingOperations == 2)

            let refused = try a.run(["resync"])
            #expect(refused.status == 1, "resync without --force refuses while edits are pending")
            #expect(refused.stderr.isOneLine, "one line: \(refused.stderr)")
            #expect(try a.status().pendingOperations == 2)

            let forced = try a.run(["resync", "--force"])
            #expect(forced.status == 0, "resync --force: \(forced.stderr)")
            let listed = try a.households()
            #expect(Set(listed.map(\.id)) == [first, second], "both households survive the resync")
            #expect(listed.first { $0.id == first }?.fields["note"] == .string("门口有狗"), "the edit survives")
            let afterResync = try a.status()
            #expect(afterResync.pendingOperations == 2, "the edits still wait to be sent")
            #expect(!afterResync.snapshotNeeded)

            let pushed = try a.sync()
            #expect(pushed.pushed == 2)
            #expect(try a.status().pendingOperations == 0)
            try b.sync()
            let seenByB = try b.households()
            #expect(Set(seenByB.map(\.id)) == [first, second])
            #expect(seenByB.first { $0.id == first }?.fields["note"] == .string("门口有狗"))
            for id in [first, second] {
                let key = "household/\(id)"
                let state = try #require(try county.serverState(key))
                #expect(try a.records()[key] == state, "A equals the server on \(key)")
                #expect(try b.records()[key] == state, "B equals the server on \(key)")
            }

            // The operator's path: A edits offline, the county orders a resync, A's next sync takes it.
            try a.update(first, set: ["note=后门有狗"])
            let replica = try a.status().replica
            let ordered = try county.serverCommand(["agents", "resync", "\(replica)", "--reason", "test"])
            #expect(ordered.status == 0, "agents resync: \(ordered.stderr)")
            #expect(try county.pendingResync(of: replica) == true)

            let resynced = try a.sync()
            #expect(resynced.snapshotRecords == 2, "the sync took the ordered snapshot of A's two households")
            #expect(resynced.pushed == 1)
            let status = try a.status()
            #expect(!status.snapshotNeeded)
            #expect(status.pendingOperations == 0)
            #expect(try county.pendingResync(of: replica) == false, "the server saw the snapshot taken")
            #expect(try a.household(first).fields["note"] == .string("后门有狗"))

            try b.sync()
            #expect(try b.household(first).fields["note"] == .string("后门有狗"), "the edit reached B")
            let scopeOfA = try county.serverRecords(scope: "c-1-1-1-1")
            #expect(scopeOfA.count == 2)
            #expect(try a.records() == scopeOfA, "A holds exactly the server's records of its scope")
            #expect(try b.records() == county.serverRecords(scope: "c-1-1-1"), "so does B")
        }
    }

    // MARK: d. Usage and errors

    /// Bad input is refused in one sentence (in the worker's language) with exit 1 and nothing queued;
    /// usage errors exit 2; creating commands print the new id alone on the last line.
    @Test(.timeLimit(.minutes(2)))
    func badInputIsRefusedInOneSentenceAndNothingIsQueued() async throws {
        try await LiveCounty.with { county in
            let a = try county.enroll(grid: "c-1-1-1-1")
            let b = try county.enroll(grid: "c-1-1-1")
            let pending = try a.status().pendingOperations
            #expect(pending == 0)
            let add = ["household", "add", "--grid", "c-1-1-1-1", "--address", "一组9号", "--head", "孙七"]

            let badPhone = try a.run(add + ["--set", "phone=123"])
            #expect(badPhone.status == 1)
            #expect(badPhone.stderr.isOneLine, "one line: \(badPhone.stderr)")
            #expect(badPhone.stderr.contains("phone"), "\(badPhone.stderr)")
            #expect(!badPhone.stderr.containsCJK, "English by default: \(badPhone.stderr)")
            #expect(!RecordID.isValid(badPhone.lastLine), "no id printed")
            #expect(try a.status().pendingOperations == pending, "nothing queued")

            let chinese = try a.run(add + ["--set", "phone=123"], environment: ["LANG": "zh_CN.UTF-8"])
            #expect(chinese.status == 1)
            #expect(chinese.stderr.isOneLine, "one line: \(chinese.stderr)")
            #expect(chinese.stderr.containsCJK, "in Chinese: \(chinese.stderr)")
            #expect(chinese.stderr.contains("phone"), "\(chinese.stderr)")

            let bogus = try a.run(add + ["--set", "bogus=1"])
            #expect(bogus.status == 1)
            #expect(bogus.stderr.isOneLine, "one line: \(bogus.stderr)")
            #expect(bogus.stderr.contains("bogus"), "\(bogus.stderr)")

            let validNumber = "11010519491231002X"
            let wrongCheckDigit = String(validNumber.dropLast()) + "1"
            let badNumber = try a.run([
                "resident", "add", "--name", "周八", "--grid", "c-1-1-1-1", "--id-number", wrongCheckDigit,
            ])
            #expect(badNumber.status == 1)
            #expect(badNumber.stderr.isOneLine, "one line: \(badNumber.stderr)")

            // c-1-1-1 is in B's area, but households live in level-4 grids.
            let levelThree = try b.run(["household", "add", "--grid", "c-1-1-1", "--address", "一片1号", "--head", "吴九"])
            #expect(levelThree.status == 1)
            #expect(levelThree.stderr.isOneLine, "one line: \(levelThree.stderr)")
            #expect(levelThree.stderr.contains("c-1-1-1"), "\(levelThree.stderr)")
            #expect(try b.status().pendingOperations == 0)
            #expect(try b.households().isEmpty)

            #expect(try a.status().pendingOperations == pending, "no refused command queued anything")
            #expect(try a.households().isEmpty)
            #expect(try a.records().isEmpty)

            // The valid forms of the same commands: each prints its new id alone on the last line.
            let household = try a.succeed(add + ["--set", "phone=13800000001"])
            let resident = try a.succeed([
                "resident", "add", "--name", "周八", "--household", household.lastLine, "--id-number", validNumber,
            ])
            for created in [household, resident] {
                let id = created.lastLine
                #expect(id.count == 36 && id == id.lowercased() && UUID(uuidString: id) != nil, "\(created.stdout)")
                #expect(created.stdout.hasSuffix(id + "\n"), "the id is alone on the last line: \(created.stdout)")
            }
            #expect(try a.status().pendingOperations == pending + 2)

            let unknown = try BuiltBinary.fieldAgent.run(["frobnicate"], scratch: county.folder)
            #expect(unknown.status == 2, "an unknown subcommand is a usage error")
            #expect(!unknown.stderr.isEmpty)

            let never = county.folder.appendingPathComponent("never-enrolled").path
            let notEnrolled = try BuiltBinary.fieldAgent.run(["status", "--data-dir", never], scratch: county.folder)
            #expect(notEnrolled.status == 1)
            #expect(notEnrolled.stderr.isOneLine, "one sentence: \(notEnrolled.stderr)")
            #expect(notEnrolled.stderr.contains("enroll"), "\(notEnrolled.stderr)")
            #expect(notEnrolled.stdout.isEmpty)
        }
    }

    /// A county that takes fewer operations per exchange than the agent sends (here 5) does not
    /// wedge its laptops: a batch refused as too large is halved until it fits, and everything
    /// goes up in one `sync`.
    @Test(.timeLimit(.minutes(1)))
    func anOutboxLargerThanTheServersBatchLimitGoesUpInSmallerBatches() async throws {
        try await LiveCounty.with(serverEnvironment: ["SYNC_SERVER_SYNC_MAX_BATCH_OPERATIONS": "5"]) { county in
            let agent = try county.enroll(grid: "c-1-1-1-1")
            for index in 0..<12 {
                try agent.addHousehold(grid: "c-1-1-1-1", address: "一组\(index)号", head: "包\(index)")
            }
            let summary = try agent.sync()
            #expect(summary.pushed == 12)
            #expect(try agent.status().pendingOperations == 0)
            #expect(try county.serverRecords().count == 12)
        }
    }

    /// The credential lets anyone holding it write to the county's records: only the worker reads it.
    @Test(.timeLimit(.minutes(1)))
    func theReplicaAndItsCredentialAreTheWorkersAlone() async throws {
        try await LiveCounty.with { county in
            let agent = try county.enroll(grid: "c-1-1-1-1")
            let folder = try FileManager.default.attributesOfItem(atPath: agent.path)
            let credential = try FileManager.default.attributesOfItem(atPath: agent.credentialPath)
            #expect((folder[.posixPermissions] as? Int) == 0o700)
            #expect((credential[.posixPermissions] as? Int) == 0o600)
            let again = try agent.run(["enroll", "--server", county.serverURL, "--token", "gs_x"])
            #expect(again.status == 1, "a second enrollment into the same folder is refused")
            #expect(again.stderr.contains("already"))
        }
    }
}

// MARK: - Helpers

extension AgentDir {
    /// A `list --json` of any record type.
    func decodeList(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> [RecordJSON] {
        let result = try succeed(arguments, sourceLocation: sourceLocation)
        return try JSONDecoder().decode([RecordJSON].self, from: Data(result.stdout.utf8))
    }
}

extension LiveCounty {
    /// Whether `sync-server agents list --json` shows a resync pending for `replica` (nil: no such agent).
    func pendingResync(of replica: UInt32) throws -> Bool? {
        struct Entry: Decodable {
            let replica: UInt32
            let pendingResync: Bool
        }
        let listed = try serverCommand(["agents", "list", "--json"])
        return try JSONDecoder().decode([Entry].self, from: Data(listed.stdout.utf8))
            .first { $0.replica == replica }?.pendingResync
    }
}

extension String {
    /// Exactly one non-empty line: one sentence on stderr.
    var isOneLine: Bool { split(separator: "\n").count == 1 && hasSuffix("\n") }

    var containsCJK: Bool { unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }
}
