import Foundation
import GridSyncTestSupport
import Shared
import Testing

/// A household moved to the sibling group while its old group's worker edits it offline: the
/// worker's edits were made before the laptop could know of the move, so they merge with it and
/// reach the new group; the rest of the batch goes through; the laptop learns of the move in the
/// same exchange and refuses later edits itself.
@Suite struct MovedRecordTests {
    @Test(.timeLimit(.minutes(2)))
    func editsMadeBeforeTheLaptopKnewOfAMoveMergeWithIt() async throws {
        try await LiveCounty.with { county in
            let area = try county.enroll(grid: "c-1-1-1")
            let oldGroup = try county.enroll(grid: "c-1-1-1-1")
            let newGroup = try county.enroll(grid: "c-1-1-1-2")
            let household = try oldGroup.addHousehold(grid: "c-1-1-1-1", address: "一组7号", head: "包金山")
            try oldGroup.sync()
            try area.sync()

            // Offline in the group: an edit; meanwhile the area worker moves the household.
            try oldGroup.update(household, set: ["phone=13800000001"])
            try area.update(household, set: ["gridId=c-1-1-1-2"])
            try area.sync()
            // Still offline, after the move: another edit and a new household, in the same batch.
            try oldGroup.update(household, set: ["note=门前有井"])
            let fresh = try oldGroup.addHousehold(grid: "c-1-1-1-1", address: "一组8号", head: "包新户")

            let summary = try oldGroup.sync()
            #expect(summary.pushed == 3, "nothing of the batch is refused")
            #expect(try oldGroup.status().pendingOperations == 0)
            #expect(try oldGroup.household(household).gridId == "c-1-1-1-2", "the laptop learned of the move")
            let later = try oldGroup.run(["household", "update", household, "--set", "phone=13900000002"])
            #expect(later.status == 1, "an edit after the laptop knows of the move is refused here, before it is sent")

            try newGroup.sync()
            let moved = try newGroup.household(household)
            #expect(moved.fields["phone"] == .string("13800000001"), "the edits reached the new group")
            #expect(moved.fields["note"] == .string("门前有井"))
            try area.sync()
            let server = try county.serverRecords()
            for agent in [area, newGroup] {
                #expect(
                    try agent.records()["household/\(household)"] == server["household/\(household)"],
                    "\(agent.grid)"
                )
            }
            #expect(try oldGroup.records()["household/\(household)"] == server["household/\(household)"])
            #expect(server["household/\(fresh)"] != nil, "the new household reached the county")
        }
    }
}
