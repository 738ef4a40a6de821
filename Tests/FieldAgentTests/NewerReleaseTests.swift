import Foundation
import GRDB
import GridSyncTestSupport
import Shared
import Testing

/// A county upgrades its daemon first and its laptops over weeks. A step or kind the next server
/// release adds must not stop a laptop one release behind: it keeps what it cannot read, says to
/// update, keeps syncing everything else, and merges what it kept once it understands it.
@Suite struct NewerReleaseTests {
    /// Writes `bodies` into the server's operation log under the county's replica, filed for
    /// `grid`'s ancestry, as a newer release's server would send them.
    static func serveFromANewerRelease(_ bodies: [String], grid ancestry: [String], in county: LiveCounty) throws {
        let queue = try DatabaseQueue(path: county.serverDatabasePath)
        try queue.write { db in
            for (index, body) in bodies.enumerated() {
                try db.execute(
                    sql:
                        "INSERT INTO oplog(replica, counter, g1, g2, g3, g4, body, receivedAt) VALUES (0, ?, ?, ?, ?, ?, ?, 0)",
                    arguments: [9_000 + index, ancestry[0], ancestry[1], ancestry[2], ancestry[3], Data(body.utf8)]
                )
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aLaptopOneReleaseBehindKeepsSyncingAndSaysToUpdate() async throws {
        try await LiveCounty.withIncidents { county in
            let agent = try county.enroll(grid: "c-1-1-1-1")
            let incident = try agent.reportIncident(grid: "c-1-1-1-1", summary: "水渠堵塞")
            let household = try agent.addHousehold(grid: "c-1-1-1-1", address: "一组1号", head: "包一")
            try agent.sync()
            let clock = try CanonicalJSON.decode(
                RecordState.self,
                from: try #require(try county.serverRecords()["incident/\(incident)"])
            ).clock
            let context = String(decoding: CanonicalJSON.encode(clock), as: UTF8.self)
            let ancestry = ["c-1", "c-1-1", "c-1-1-1", "c-1-1-1-1"]
            try Self.serveFromANewerRelease(
                [
                    #"{"context":\#(context),"dot":[0,9000],"event":{"action":"supervisionVisit","node":"c"},"hlc":[\#(WallClock.nowMilliseconds()),0],"id":"\#(incident)","kind":"event","type":"incident"}"#,
                    #"{"context":{},"dot":[0,9001],"hlc":[\#(WallClock.nowMilliseconds()),1],"id":"\#(household)","kind":"verify","type":"household","by":"c"}"#,
                ],
                grid: ancestry,
                in: county
            )

            let sync = try agent.run(["sync"])
            #expect(sync.status == 0, "the pull goes through: \(sync.stderr)")
            #expect(sync.stdout.contains("newer release"), "\(sync.stdout)")
            #expect(try agent.status().pendingOperations == 0)
            let status = try agent.run(["status"], environment: ["LANG": "zh_CN.UTF-8"])
            #expect(status.stdout.contains("升级"), "status says to update: \(status.stdout)")

            // Everything else keeps flowing.
            try agent.update(household, set: ["phone=13800000001"])
            #expect(try agent.sync().pushed == 1)
            #expect(try agent.incidentState(incident).status == "registered", "the step it cannot read is not folded")
        }
    }

    /// What an older release kept unread is merged once the laptop understands it: here a real
    /// operation of another agent, kept as an older laptop would have kept it.
    @Test(.timeLimit(.minutes(2)))
    func keptOperationsAreMergedOnceTheLaptopUnderstandsThem() async throws {
        try await LiveCounty.with { county in
            let reader = try county.enroll(grid: "c-1-1-1-1")
            let writer = try county.enroll(grid: "c-1-1-1-1")
            let household = try writer.addHousehold(grid: "c-1-1-1-1", address: "一组1号", head: "包一")
            try writer.sync()
            let queue = try DatabaseQueue(path: county.serverDatabasePath)
            let (body, latest) = try queue.read { db in
                (
                    try Data.fetchOne(db, sql: "SELECT body FROM oplog WHERE replica != 0 ORDER BY seq LIMIT 1")!,
                    try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM oplog")!
                )
            }
            // As if the reader had pulled it without understanding it: kept, the cursor past it.
            try DatabaseQueue(path: reader.replicaPath).write { db in
                try db.execute(
                    sql: "INSERT INTO unreadable (operation, reason) VALUES (?, 'newer release')",
                    arguments: [body]
                )
                try db.execute(sql: "UPDATE replica SET cursor = ?", arguments: [latest])
            }
            try reader.sync()
            #expect(
                try reader.records()["household/\(household)"] == (try county.serverRecords()["household/\(household)"])
            )
            #expect(try reader.status().pendingOperations == 0)
            #expect(try reader.run(["status"]).stdout.contains("Update field-agent") == false, "nothing waits unread")
        }
    }
}
