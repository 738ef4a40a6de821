import Foundation
import GridSyncTestSupport
import Shared
import Testing

/// Issue 5 end to end: incidents from report to closing across levels, with a real `sync-server
/// serve`, real `field-agent` processes, the county's 2026 calendar and a department (c-dept,
/// level 1 under the county). Every assertion is on what the binaries print or store.
@Suite struct IncidentLifecycleTests {
    // MARK: a. Village → township → department → closed

    /// The scenario: a village reports, the county registers it; left past its three working
    /// days it is escalated to the township with a yellow card; the township dispatches it to a
    /// department, which receives it by snapshot, handles it and reports back; the village verifies
    /// and closes it. Every replica and the server end with the same history and the same bytes.
    @Test(.timeLimit(.minutes(3)))
    func anIncidentGoesUpToTheTownshipOverToADepartmentAndBackToTheVillageToClose() async throws {
        try await LiveCounty.withIncidents { county in
            let calendar = try LiveCounty.workCalendar()
            let village = try county.enroll(grid: "c-1-1-1-1")
            let township = try county.enroll(grid: "c-1")
            let department = try county.enroll(grid: "c-dept")
            let otherVillage = try county.enroll(grid: "c-1-2")
            let replicas = (
                village: try village.status().replica,
                township: try township.status().replica,
                department: try department.status().replica
            )

            let household = try village.addHousehold(grid: "c-1-1-1-1", address: "一组8号", head: "王五")
            let id = try village.reportIncident(grid: "c-1-1-1-1", summary: "宅基地边界纠纷")
            let pending = try village.incidentState(id)
            #expect(pending.status == "reported")
            #expect(pending.registryNumber == nil, "the registry number comes from the county")

            // Registration: FM-YYYYMMDD-NNNNNN for the county's day, the group holds it for 3 working days.
            try village.sync()
            let registered = try village.incidentState(id)
            #expect(registered.status == "registered")
            #expect(registered.responsibleNode == "c-1-1-1-1")
            #expect(registered.actions == ["register"])
            let registration = try #require(registered.history.first)
            #expect(registration.replica == 0, "the server registers")
            let day = CountyTime.date(atMilliseconds: registration.at)
            let number = try #require(registered.registryNumber)
            let compact = day.description.replacingOccurrences(of: "-", with: "")
            #expect(number.hasPrefix("FM-\(compact)-"), "\(number) carries the county's date \(day)")
            #expect(number.count == "FM-YYYYMMDD-NNNNNN".count && number.suffix(6).allSatisfy(\.isNumber))
            let due = calendar.workingDay(3, after: day)
            #expect(registered.dueDate == "\(due)")

            // The start of the last day is not late; a day past the deadline, with a weekend in the
            // span, is.
            let onTime = try county.escalate(asOf: due)
            #expect(onTime.stdout.contains("Escalated 0 incidents"), "\(onTime.stdout)")
            var asOf = due.adding(days: 1)
            while !(0..<(asOf.daysSince1970 - day.daysSince1970)).contains(where: {
                day.adding(days: $0).isoWeekday == 6
            }) {
                asOf = asOf.adding(days: 1)
            }
            #expect(
                (0..<(asOf.daysSince1970 - day.daysSince1970)).contains { day.adding(days: $0).isoWeekday == 6 },
                "the span from \(day) to \(asOf) has a Saturday"
            )
            let before = WallClock.nowMilliseconds()
            let escalated = try county.escalate(asOf: asOf)
            let after = WallClock.nowMilliseconds()
            #expect(escalated.stdout.contains("\(id)  c-1-1-1-1 → c-1  yellowCard"), "\(escalated.stdout)")
            #expect(escalated.stdout.contains("Escalated 1 incidents"), "\(escalated.stdout)")

            // The township sees it arrive with its yellow card, due five working days from today.
            try township.sync()
            let atTownship = try township.incidentState(id)
            #expect(atTownship.status == "escalated")
            #expect(atTownship.responsibleNode == "c-1")
            #expect(atTownship.cards == ["yellowCard"])
            #expect(atTownship.actions == ["register", "yellowCard", "escalate"])
            #expect(atTownship.replicas == [0, 0, 0])
            let escalation = try #require(atTownship.history.last)
            #expect(escalation.target == "c-1")
            #expect(
                (before - 1000...after + 1000).contains(escalation.at),
                "the server's step is stamped with the real time, not \(asOf)"
            )
            let townshipDue = calendar.workingDay(5, after: CountyTime.date(atMilliseconds: escalation.at))
            #expect(atTownship.dueDate == "\(townshipDue)")
            // Its new deadline runs from today: sweeping again up to its last day changes nothing.
            #expect(try county.escalate(asOf: townshipDue).stdout.contains("Escalated 0 incidents"), "once only")

            // The township dispatches it to the department with an instruction.
            let instruction = "请农业农村局核实宅基地权属并依法调处"
            try township.act(id, "dispatch", ["--to", "c-dept", "--note", instruction])
            try township.sync()

            // The department's next sync takes a snapshot and holds this incident and nothing else.
            let departmentSync = try department.sync()
            #expect(departmentSync.snapshotRecords == 1, "the department received the incident by snapshot")
            let listed = try department.incidents()
            #expect(listed.map(\.id) == [id])
            let atDepartment = try #require(listed.first?.incident)
            #expect(atDepartment.status == "dispatched")
            #expect(atDepartment.responsibleNode == "c-dept")
            #expect(atDepartment.history.last?.note == instruction)
            #expect(atDepartment.history.last?.replica == replicas.township)
            #expect(try department.households().isEmpty, "the village's households never reach the department")
            #expect(!(try village.households().isEmpty))

            try department.act(id, "sign")
            try department.act(id, "handle", ["--note", "已到现场核实边界"])
            try department.act(id, "feedback", ["--note", "已依法调处，双方签字确认"])
            try department.sync()

            // The village sees the result, verifies it and closes with the residents' satisfaction.
            try village.sync()
            #expect(try village.incidentState(id).status == "feedback")
            try village.act(id, "verify")
            try village.act(id, "close", ["--satisfaction", "satisfied"])
            try village.sync()
            for agent in [township, department, village, township, department] { try agent.sync() }
            try otherVillage.sync()

            // Everyone holds the same history, in HLC order, and the same state bytes.
            let expectedActions = [
                "register", "yellowCard", "escalate", "dispatch", "sign", "handle", "feedback", "verify", "close",
            ]
            let expectedReplicas = [
                0, 0, 0, replicas.township, replicas.department, replicas.department, replicas.department,
                replicas.village, replicas.village,
            ]
            var views: [String: AgentDir.IncidentJSON] = [:]
            for (name, agent) in [("village", village), ("township", township), ("department", department)] {
                let view = try agent.incidentState(id)
                views[name] = view
                #expect(view.status == "closed", "\(name)")
                #expect(view.satisfaction == "satisfied", "\(name)")
                #expect(view.registryNumber == number, "\(name)")
                #expect(view.responsibleNode == "c-dept", "\(name)")
                #expect(view.cards == ["yellowCard"], "\(name)")
                #expect(view.actions == expectedActions, "\(name)")
                #expect(view.replicas == expectedReplicas, "\(name)")
                #expect(view.history.allSatisfy { $0.accepted }, "\(name)")
                #expect(view.dueDate == nil && view.light == nil, "\(name): a closed incident is off the clock")
            }
            let village0 = try #require(views["village"])
            for name in ["township", "department"] {
                #expect(
                    views[name]?.history.map(\.event) == village0.history.map(\.event),
                    "\(name) agrees with the village"
                )
            }
            // (The deadline each step shows is compared in everyAgentCountsTheSameDeadline….)
            #expect(views["township"]?.history.map(\.due) == village0.history.map(\.due))

            let key = "incident/\(id)"
            let onServer = try #require(try county.serverState(key))
            #expect(try village.records()[key] == onServer, "village and server hold the same bytes")
            #expect(try township.records()[key] == onServer, "township and server hold the same bytes")
            #expect(try department.records()[key] == onServer, "department and server hold the same bytes")
            #expect(try department.records().keys.sorted() == [key], "the department holds this incident only")
            #expect(try village.records()["household/\(household)"] != nil)

            let supervised = try county.supervisedIncidents()
            #expect(supervised.map(\.id) == [id])
            #expect(supervised.first?.status == "closed")
            #expect(supervised.first?.registryNumber == number)
            #expect(supervised.first?.responsibleNode == "c-dept")
            #expect(supervised.first?.cards == ["yellowCard"])

            // Another village never sees it.
            #expect(try otherVillage.incidents().isEmpty, "c-1-2 does not see an incident of c-1-1")
            #expect(try otherVillage.records()[key] == nil)
        }
    }

    // MARK: b. Two levels act at once, offline

    /// After registration the group closes the incident on the spot while the township, offline
    /// too, dispatches it to the department. Whatever order they sync in, every replica folds the
    /// same history: the earlier step applies, the later one stays in the history as not applied.
    @Test(.timeLimit(.minutes(2)))
    func concurrentStepsFromTwoLevelsConvergeAndTheRefusedOneStaysInTheHistory() async throws {
        try await LiveCounty.withIncidents { county in
            let village = try county.enroll(grid: "c-1-1-1-1")
            let township = try county.enroll(grid: "c-1")
            let villageReplica = try village.status().replica
            let townshipReplica = try township.status().replica
            let id = try village.reportIncident(grid: "c-1-1-1-1", summary: "路灯不亮")
            try village.sync()
            try township.sync()
            #expect(try township.incidentState(id).status == "registered")

            // Offline, one after the other: the group first, then the township.
            try village.act(id, "selfClose", ["--note", "已当场修复"])
            try township.act(id, "dispatch", ["--to", "c-dept", "--note", "请部门处理"])
            #expect(try village.incidentState(id).status == "closed", "the group's own view before syncing")
            #expect(try township.incidentState(id).status == "dispatched", "the township's own view before syncing")

            try village.sync()
            try township.sync()
            try village.sync()

            let key = "incident/\(id)"
            let onServer = try #require(try county.serverState(key))
            #expect(try village.records()[key] == onServer)
            #expect(try township.records()[key] == onServer)
            for (name, agent) in [("village", village), ("township", township)] {
                let view = try agent.incidentState(id)
                #expect(view.status == "closed", "\(name): the earlier step, selfClose, applies")
                #expect(view.responsibleNode == "c-1-1-1-1", "\(name): the refused dispatch moved nothing")
                #expect(view.actions == ["register", "selfClose", "dispatch"], "\(name)")
                #expect(view.replicas == [0, villageReplica, townshipReplica], "\(name)")
                let refused = view.history.filter { !$0.accepted }
                #expect(refused.count == 1, "\(name): exactly one step was not applied")
                #expect(refused.first?.action == "dispatch", "\(name): the later step in HLC order")
                #expect(refused.first?.from == "closed" && refused.first?.to == "closed", "\(name)")
                #expect(refused.first?.note == "请部门处理", "\(name): shown, not lost")
                #expect(view.history.map(\.at) == view.history.map(\.at).sorted(), "\(name): in HLC order")
            }
            #expect(
                try village.incidentState(id).history.map(\.event) == township.incidentState(id).history.map(\.event)
            )
            #expect(try county.supervisedIncidents().map(\.status) == ["closed"])
        }
    }

    // MARK: c. Returned as out of remit

    /// The township dispatches the incident to the group; the group signs and asks to return it
    /// (申请退办); the next sweep sends it one level up, to the township, with no card.
    @Test(.timeLimit(.minutes(2)))
    func aReturnAsOutOfRemitGoesOneLevelUpWithoutACard() async throws {
        try await LiveCounty.withIncidents { county in
            let village = try county.enroll(grid: "c-1-1-1-1")
            let township = try county.enroll(grid: "c-1")
            let id = try village.reportIncident(grid: "c-1-1-1-1", category: "environment", summary: "河道垃圾堆积")
            try village.sync()
            try township.sync()
            try township.act(id, "dispatch", ["--to", "c-1-1-1-1", "--note", "请一组清理"])
            try township.sync()
            try village.sync()
            #expect(try village.incidentState(id).status == "dispatched")
            try village.act(id, "sign")
            try village.act(id, "requestReturn", ["--note", "超出职能"])
            try village.sync()

            let swept = try county.escalate()
            #expect(swept.stdout.contains("\(id)  c-1-1-1-1 → c-1  return"), "\(swept.stdout)")
            #expect(swept.stdout.contains("Escalated 1 incidents"), "\(swept.stdout)")
            #expect(try county.escalate().stdout.contains("Escalated 0 incidents"), "once only")

            try township.sync()
            let atTownship = try township.incidentState(id)
            #expect(atTownship.status == "escalated")
            #expect(atTownship.responsibleNode == "c-1")
            #expect(atTownship.cards.isEmpty, "a return earns no card")
            #expect(atTownship.actions == ["register", "dispatch", "sign", "requestReturn", "escalate"])
            #expect(atTownship.history.first { $0.action == "requestReturn" }?.note == "超出职能")
            #expect(atTownship.history.last?.replica == 0)
            #expect(atTownship.history.last?.target == "c-1")
            try village.sync()
            #expect(try village.incidentState(id) == atTownship, "the group sees the same")
            let key = "incident/\(id)"
            #expect(try village.records()[key] == county.serverState(key))
            #expect(try township.records()[key] == county.serverState(key))
            let supervised = try county.supervisedIncidents()
            #expect(supervised.map(\.responsibleNode) == ["c-1"])
            #expect(supervised.map(\.level) == [1])
        }
    }

    // MARK: e. One deadline, whoever looks

    /// The deadline depends on the level of the node holding the incident (3 working days at a
    /// village-level grid, 5 at a township or department), and every agent that sees the incident
    /// must count it the same as the county: the group that reported it while a group of another
    /// village holds it, and the department for the steps taken in the villages before it. The
    /// other village's group sees the incident only while it holds it.
    @Test(.timeLimit(.minutes(2)))
    func everyAgentCountsTheSameDeadlineAsTheCountyWhereverTheIncidentIsHeld() async throws {
        try await LiveCounty.withIncidents { county in
            let calendar = try LiveCounty.workCalendar()
            let village = try county.enroll(grid: "c-1-1-1-1")
            let township = try county.enroll(grid: "c-1")
            let otherGroup = try county.enroll(grid: "c-1-2-1-1")
            let department = try county.enroll(grid: "c-dept")
            let id = try village.reportIncident(grid: "c-1-1-1-1", summary: "灌溉水渠跨村堵塞")
            try village.sync()
            try township.sync()

            // The township sends it to a group of the other village: outside the subtree it started in.
            try township.act(id, "dispatch", ["--to", "c-1-2-1-1", "--note", "请二村一组疏通上游"])
            try township.sync()
            #expect(try otherGroup.sync().snapshotRecords == 1, "the other village's group receives it by snapshot")
            try village.sync()
            let held = try #require(try county.supervisedIncidents().first)
            #expect(held.responsibleNode == "c-1-2-1-1")
            #expect(held.level == 4)
            let dispatchedAt = try #require(try township.incidentState(id).history.last?.at)
            #expect(held.dueDate == "\(calendar.workingDay(3, after: CountyTime.date(atMilliseconds: dispatchedAt)))")
            for (name, agent) in [("reporting group", village), ("township", township), ("holding group", otherGroup)] {
                let view = try agent.incidentState(id)
                #expect(view.responsibleNode == "c-1-2-1-1", "\(name)")
                #expect(view.dueDate == held.dueDate, "\(name) counts 3 working days at a group, as the county does")
            }

            // Returned, escalated to the township, dispatched to the department.
            try otherGroup.act(id, "sign")
            try otherGroup.act(id, "requestReturn", ["--note", "超出职能"])
            try otherGroup.sync()
            #expect(try county.escalate().stdout.contains("\(id)  c-1-2-1-1 → c-1  return"))
            try township.sync()
            try township.act(id, "dispatch", ["--to", "c-dept", "--note", "请水利局协调"])
            try township.sync()
            try department.sync()
            for agent in [village, otherGroup] { try agent.sync() }

            let reference = try township.incidentState(id)
            #expect(reference.actions == ["register", "dispatch", "sign", "requestReturn", "escalate", "dispatch"])
            // The other village's group held it only until it went up: it saw it leave, then nothing more.
            #expect(
                try otherGroup.incidentState(id).actions == [
                    "register", "dispatch", "sign", "requestReturn", "escalate",
                ]
            )
            let atDepartment = try #require(try county.supervisedIncidents().first)
            #expect(reference.dueDate == atDepartment.dueDate)
            for (name, agent) in [("reporting group", village), ("department", department)] {
                let view = try agent.incidentState(id)
                #expect(view.history.map(\.event) == reference.history.map(\.event), "\(name)")
                #expect(view.dueDate == atDepartment.dueDate, "\(name): the department's deadline now")
                #expect(
                    view.history.map(\.due) == reference.history.map(\.due),
                    "\(name) shows the deadline each step was taken under as the township does"
                )
            }
        }
    }

    // MARK: d. The supervision list's filters, and bad input

    @Test(.timeLimit(.minutes(2)))
    func theSupervisionListFiltersByLevelAndGridAndBadInputIsRefused() async throws {
        try await LiveCounty.withIncidents { county in
            let group = try county.enroll(grid: "c-1-1-1-1")
            let otherGroup = try county.enroll(grid: "c-1-2-1-1")
            let first = try group.reportIncident(grid: "c-1-1-1-1", summary: "邻里噪音")
            let returned = try group.reportIncident(grid: "c-1-1-1-1", category: "safetyHazard", summary: "危房")
            let second = try otherGroup.reportIncident(grid: "c-1-2-1-1", category: "livelihood", summary: "低保申请")
            try group.sync()
            try otherGroup.sync()
            try group.act(returned, "sign")
            try group.act(returned, "requestReturn", ["--note", "超出职能"])
            try group.sync()
            _ = try county.escalate()

            let all = try county.supervisedIncidents()
            #expect(Set(all.map(\.id)) == [first, returned, second])
            #expect(all.map(\.id) == all.map(\.id).sorted(), "in id order")
            #expect(Set(try county.supervisedIncidents(["--level", "4"]).map(\.id)) == [first, second])
            #expect(try county.supervisedIncidents(["--level", "1"]).map(\.id) == [returned])
            #expect(try county.supervisedIncidents(["--level", "2"]).isEmpty)
            #expect(try county.supervisedIncidents(["--grid", "c-1-2"]).map(\.id) == [second])
            #expect(Set(try county.supervisedIncidents(["--grid", "c-1-1"]).map(\.id)) == [first, returned])
            #expect(
                try county.supervisedIncidents(["--grid", "c-1-1", "--level", "4"]).map(\.id) == [first],
                "filters combine; the origin decides the grid, the holder the level"
            )
            #expect(Set(try county.supervisedIncidents(["--grid", "c"]).map(\.id)) == [first, returned, second])
            // Nothing reported today is past its deadline yet.
            #expect(all.allSatisfy { $0.light != "red" })
            #expect(try county.supervisedIncidents(["--overdue"]).isEmpty)
            #expect(try group.incidents(["--overdue"]).isEmpty)
            #expect(Set(try group.incidents(["--open"]).map(\.id)) == [first, returned])

            let unknownGrid = try county.serverCommand(["incidents", "list", "--grid", "c-9"])
            #expect(unknownGrid.status == 1)
            #expect(unknownGrid.stderr.isOneLine, "one sentence: \(unknownGrid.stderr)")

            let badDate = try county.serverCommand(["escalate", "--as-of", "2026-13-01"])
            #expect(badDate.status == 1)
            #expect(badDate.stderr.isOneLine, "one sentence: \(badDate.stderr)")
            #expect(badDate.stderr.contains("--as-of"))
            #expect(badDate.stdout.isEmpty)

            // The agent refuses what it cannot do and queues nothing.
            let key = "incident/\(first)"
            let stateBefore = try group.records()[key]
            let pendingBefore = try group.status().pendingOperations
            #expect(pendingBefore == 0)
            let nonsense = try group.run(["incident", "act", first, "--action", "nonsense"])
            #expect(nonsense.status == 1)
            #expect(nonsense.stderr.isOneLine, "one sentence: \(nonsense.stderr)")
            #expect(nonsense.stderr.contains("nonsense"))
            let close = try group.run(["incident", "act", first, "--action", "close", "--satisfaction", "satisfied"])
            #expect(close.status == 1, "a registered incident cannot be closed before feedback")
            #expect(close.stderr.isOneLine, "one sentence: \(close.stderr)")
            #expect(close.stderr.contains("registered") && close.stderr.contains("close"), "\(close.stderr)")
            let nowhere = try group.run(["incident", "act", first, "--action", "dispatch", "--to", "c-404"])
            #expect(nowhere.status == 1, "a target the county does not have")
            #expect(nowhere.stderr.isOneLine, "one sentence: \(nowhere.stderr)")
            #expect(try group.status().pendingOperations == 0, "nothing queued")
            #expect(try group.records()[key] == stateBefore, "the replica is unchanged")
            #expect(try group.incidentState(first).status == "registered")
        }
    }

    // MARK: f. The role table, checked by the agent before it writes

    /// The group holding its incident asks for more days; approving them belongs to a level above,
    /// and a dispatch to itself would give it a fresh allowance: the agent refuses both in one
    /// sentence, in the worker's language, and queues nothing. The township above approves.
    @Test(.timeLimit(.minutes(2)))
    func theAgentRefusesStepsThatBelongToAnotherNodeBeforeWritingThem() async throws {
        try await LiveCounty.withIncidents { county in
            let group = try county.enroll(grid: "c-1-1-1-1")
            let township = try county.enroll(grid: "c-1")
            let id = try group.reportIncident(grid: "c-1-1-1-1", summary: "宅基地纠纷")
            try group.sync()
            try group.act(id, "sign")
            try group.act(id, "requestExtension", ["--note", "需调取档案", "--days", "2"])
            try group.sync()
            let pending = try group.status().pendingOperations
            let before = try group.records()["incident/\(id)"]

            let own = try group.run(["incident", "act", id, "--action", "approveExtension", "--days", "2"])
            #expect(own.status == 1)
            #expect(own.stderr.isOneLine, "one sentence: \(own.stderr)")
            #expect(own.stderr.contains("approveExtension") && own.stderr.contains("c-1-1-1-1"), "\(own.stderr)")
            let chinese = try group.run(
                ["incident", "act", id, "--action", "approveExtension", "--days", "2"],
                environment: ["LANG": "zh_CN.UTF-8"]
            )
            #expect(chinese.status == 1)
            #expect(chinese.stderr.contains("无权"), "\(chinese.stderr)")
            let toItself = try group.run(["incident", "act", id, "--action", "dispatch", "--to", "c-1-1-1-1"])
            #expect(toItself.status == 1, "a dispatch to itself")
            #expect(toItself.stderr.isOneLine, "one sentence: \(toItself.stderr)")
            #expect(try group.status().pendingOperations == pending, "nothing queued")
            #expect(try group.records()["incident/\(id)"] == before, "the replica is unchanged")

            try township.sync()
            try township.act(id, "approveExtension", ["--days", "2"])
            try township.sync()
            try group.sync()
            #expect(try group.incidentState(id).status == "inHandling", "the level above approved it")
        }
    }
}
