import Foundation
import GRDB
import GridSyncTestSupport
import Shared
import Testing

/// A replica damaged outside the agent's code (a bad sector, a tool run on the file, a bug) is
/// found by the scope digest at the next sync and repaired grid by grid from the county's store.
@Suite struct DivergenceTests {
    @Test(.timeLimit(.minutes(2)))
    func aRecordChangedBehindTheAgentsBackIsFoundAndRepairedAtTheNextSync() async throws {
        try await LiveCounty.with { county in
            let area = try county.enroll(grid: "c-1-1-1")
            let group = try county.enroll(grid: "c-1-1-1-1")
            let damaged = try group.addHousehold(grid: "c-1-1-1-1", address: "三组1号", head: "包金山")
            let removed = try group.addHousehold(grid: "c-1-1-1-1", address: "三组2号", head: "包银山")
            try group.sync()
            _ = try area.addHousehold(grid: "c-1-1-1-2", address: "四组1号", head: "李大")
            try area.sync()
            let verified = try area.status().lastVerifiedAt
            #expect(verified != nil, "an agent in step with the county is verified at each sync")

            // Outside the agent: one record's state rewritten, another deleted, with SQL.
            try DatabaseQueue(path: area.replicaPath).write { db in
                let key = ["household", damaged]
                let state = try #require(
                    try Data.fetchOne(
                        db,
                        sql: "SELECT state FROM record WHERE type = ? AND id = ?",
                        arguments: StatementArguments(key)
                    )
                )
                let forged = Data(
                    String(decoding: state, as: UTF8.self).replacingOccurrences(of: "包金山", with: "包铁山").utf8
                )
                try db.execute(
                    sql: "UPDATE record SET state = ? WHERE type = ? AND id = ?",
                    arguments: [forged] + StatementArguments(key)
                )
                try db.execute(sql: "DELETE FROM record WHERE type = 'household' AND id = ?", arguments: [removed])
            }
            #expect(try area.records() != (try county.serverRecords(scope: area.grid)))

            let sync = try area.run(["sync"])
            #expect(sync.status == 0, "\(sync.stderr) \(sync.stdout)")
            #expect(sync.stdout.contains("2 records were fetched again"), "\(sync.stdout)")
            #expect(try area.records() == (try county.serverRecords(scope: area.grid)), "byte-identical again")
            #expect(try area.household(damaged).fields["headName"] == .string("包金山"))
            let after = try area.status().lastVerifiedAt
            #expect(after != nil && after! >= verified!)

            // The grid next door, untouched, was not fetched: a second sync finds nothing to repair.
            let again = try area.run(["sync"], environment: ["LANG": "zh_CN.UTF-8"])
            #expect(again.status == 0 && !again.stdout.contains("重新获取"), "\(again.stdout)")
            #expect(try group.records() == (try county.serverRecords(scope: group.grid)))
        }
    }
}
