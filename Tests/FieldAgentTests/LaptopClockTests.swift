import Foundation
import GridSyncTestSupport
import Shared
import Testing

@testable import GridSyncAgent

/// Village laptops' clocks are often wrong: a clock minutes off earns a warning, one past the
/// server's bound gets its edits refused with advice to fix the clock, and nothing is lost.
/// The agent's library runs against the real server, with its clock moved.
@Suite struct LaptopClockTests {
    static let minute: UInt64 = 60_000

    static func synchronizer(_ agent: AgentDir, county: LiveCounty, ahead: UInt64) throws -> Synchronizer {
        var synchronizer = Synchronizer(
            database: try AgentDatabase.open(directory: agent.path),
            client: FaultLab.impatientClient(baseURL: county.serverURL, token: try FaultLab.token(of: agent)),
            progress: NoProgress()
        )
        synchronizer.now = { WallClock.nowMilliseconds() + ahead }
        return synchronizer
    }

    static let home: [String: FieldValue] = [
        "gridId": .string("c-1-1-1-1"), "address": .string("一组1号"), "headName": .string("包金山"),
    ]

    @Test(.timeLimit(.minutes(1)))
    func aClockMinutesAheadSyncsWithAWarning() async throws {
        try await LiveCounty.with { county in
            let agent = try county.enroll(grid: "c-1-1-1-1")
            let synchronizer = try Self.synchronizer(agent, county: county, ahead: 3 * Self.minute)
            let key = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: synchronizer.now()))
            try synchronizer.database.author([.create(Self.home)], on: key, now: synchronizer.now())

            let summary = try synchronizer.sync()
            #expect(summary.pushed == 1, "three minutes is inside the server's five-minute bound")
            let offset = try #require(summary.clockOffsetMilliseconds, "more than two minutes off earns a warning")
            #expect((150_000...210_000).contains(offset), "the laptop is about three minutes ahead: \(offset)")
            #expect(try agent.status().clockOffsetMilliseconds.map { (150_000...210_000).contains($0) } == true)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aClockPastTheBoundIsRefusedWithAdviceAndLosesNothing() async throws {
        try await LiveCounty.with { county in
            let agent = try county.enroll(grid: "c-1-1-1-1")
            let wrong = try Self.synchronizer(agent, county: county, ahead: 30 * Self.minute)
            let key = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: wrong.now()))
            try wrong.database.author([.create(Self.home)], on: key, now: wrong.now())

            let refusal = #expect(throws: ServerRefusal.self) { try wrong.sync() }
            #expect(refusal?.code == .clockDrift)
            let status = try agent.status()
            #expect(status.pendingOperations == 1, "the refused edit stays in the outbox")
            #expect(status.lastFailure?.code == "clock_drift")
            #expect(status.lastFailure?.advice.contains("time") == true, "status says to fix the clock")
            #expect(try county.serverRecords().isEmpty, "nothing of the refused batch was stored")
        }
    }

    /// A clock a day fast stamps the outbox; every edit after it inherits that reading. Once the
    /// worker sets the clock right, the next sync re-stamps what the server has not seen and
    /// goes through, and the laptop holds what the county holds.
    @Test(.timeLimit(.minutes(1)))
    func aClockADayFastThenFixedSyncsAtOnce() async throws {
        try await LiveCounty.with { county in
            let agent = try county.enroll(grid: "c-1-1-1-1")
            let day: UInt64 = 86_400_000
            let wrong = try Self.synchronizer(agent, county: county, ahead: day)
            let first = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: wrong.now()))
            try wrong.database.author([.create(Self.home)], on: first, now: wrong.now())
            #expect(throws: ServerRefusal.self) { try wrong.sync() }

            let fixed = try Self.synchronizer(agent, county: county, ahead: 0)
            // One more edit after the fix: it inherits the day-ahead reading until re-stamped.
            try fixed.database.author([.set(["phone": .string("13800000001")])], on: first, now: fixed.now())
            let summary = try fixed.sync()
            #expect(summary.restamped == 2)
            #expect(summary.pushed == 2, "the first sync after the fix goes through")
            #expect(try agent.status().pendingOperations == 0)
            #expect(
                try agent.status().clockOffsetMilliseconds.map { abs($0) < 60_000 } == true,
                "status shows the offset"
            )
            let server = try #require(try county.serverRecords()["household/\(first.id)"])
            #expect(try agent.records()["household/\(first.id)"] == server, "the laptop holds what the county holds")
            let state = try CanonicalJSON.decode(RecordState.self, from: server)
            #expect(
                state.latestHLC.wallMilliseconds < WallClock.nowMilliseconds() + 60_000,
                "no reading a day ahead was stored"
            )
        }
    }
}
