import Foundation
import GridSyncTestSupport
import Shared
import Testing

/// A replica directory copied to a second laptop, or an older image of a laptop put back, reuses
/// its replica id and counters. The county refuses a dot it holds with other content, the laptop
/// says to enroll again, and after enrolling with a new token it keeps every record and sends its
/// edits under its new identity: nothing is lost, nothing reuses a dot.
@Suite struct CopiedLaptopTests {
    @Test(.timeLimit(.minutes(2)))
    func aCopiedLaptopIsRecognisedAndItsEditsArriveUnderANewIdentity() async throws {
        try await LiveCounty.with { county in
            let first = try county.enroll(grid: "c-1-1-1-1")
            try first.addHousehold(grid: "c-1-1-1-1", address: "一组1号", head: "包一")
            try first.sync()
            let second = try county.copy(first)
            let mine = try first.addHousehold(grid: "c-1-1-1-1", address: "一组2号", head: "包二")
            let theirs = try second.addHousehold(grid: "c-1-1-1-1", address: "一组3号", head: "包三")
            #expect(try first.sync().pushed == 1)

            let refused = try second.run(["sync"])
            #expect(refused.status == 1, "the copy is refused, not acknowledged")
            #expect(refused.stderr.contains("enroll"), "\(refused.stderr)")
            #expect(try second.status().lastFailure?.code == "replica_copied")
            #expect(try county.serverRecords()["household/\(theirs)"] == nil)
            let again = try second.run(["sync"])
            #expect(again.status == 1, "it does not sync until enrolled again")

            let enrolled = try county.enrollAgain(second)
            #expect(enrolled.status == 0, "\(enrolled.stderr)")
            #expect(try second.status().pendingOperations == 0)
            try first.sync()
            try second.sync()
            let server = try county.serverRecords()
            #expect(server["household/\(mine)"] != nil, "the first laptop's household")
            #expect(server["household/\(theirs)"] != nil, "and the copy's, under its new identity")
            #expect(try first.records() == server)
            #expect(try second.records() == server, "both laptops hold what the county holds")
            #expect(try second.status().replica != (try first.status().replica))
        }
    }

    /// An image of a laptop taken before more edits, put back over it: what it writes next reuses
    /// dots the county holds. It is recognised the same way, and loses nothing.
    @Test(.timeLimit(.minutes(2)))
    func aLaptopRestoredFromAnOlderImageOfItselfIsRecognised() async throws {
        try await LiveCounty.with { county in
            let laptop = try county.enroll(grid: "c-1-1-1-1")
            try laptop.addHousehold(grid: "c-1-1-1-1", address: "一组1号", head: "包一")
            try laptop.sync()
            let image = try county.copy(laptop)
            let later = try laptop.addHousehold(grid: "c-1-1-1-1", address: "一组2号", head: "包二")
            try laptop.sync()

            // The image is put back, and the worker keeps working on it.
            try FileManager.default.removeItem(atPath: laptop.path)
            try FileManager.default.copyItem(atPath: image.path, toPath: laptop.path)
            let afterRestore = try laptop.addHousehold(grid: "c-1-1-1-1", address: "一组3号", head: "包三")
            #expect(try laptop.run(["sync"]).status == 1)
            #expect(try laptop.status().lastFailure?.code == "replica_copied")

            #expect(try county.enrollAgain(laptop).status == 0)
            let server = try county.serverRecords()
            #expect(server["household/\(later)"] != nil, "what the newer self sent is still the county's")
            #expect(server["household/\(afterRestore)"] != nil, "and what was written after the restore arrived")
            #expect(try laptop.records() == server)

            // An image put back that syncs before it writes anything is recognised too.
            let idle = try county.copy(image)
            let quiet = try idle.run(["sync"])
            #expect(quiet.status == 1, "the county acknowledges more than this image ever wrote")
            #expect(try idle.status().lastFailure?.code == "replica_copied")
        }
    }
}
