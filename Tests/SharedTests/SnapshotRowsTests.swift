import ConvergenceSupport
import Foundation
import PropertyBased
import Testing

@testable import Shared

/// Reading a snapshot page for storing gives, for every record, exactly what decoding it in full
/// would: the canonical bytes, the visible grid, the conflicted fields and the newest clock reading.
@Suite struct SnapshotRowsTests {
    @Test func rowsAgreeWithFullyDecodedRecords() async throws {
        await propertyCheck(count: 300, input: Gen.int(in: 3...5), Gen.uint64().array(of: 10...60)) {
            replicaCount,
            steps in
            var schedule = ConvergenceSchedule(replicaCount: replicaCount, steps: steps)
            schedule.run()
            let records = schedule.replicas[0].canonicalRecords
            let page = SnapshotPage(cursor: 42, grids: [], records: records, nextAfter: "x")
            let rows = try SnapshotRows(CanonicalJSON.encode(page))
            #expect(rows.cursor == 42)
            #expect(rows.nextAfter == "x")
            #expect(rows.rows == (try records.map(SnapshotRows.Row.init)))
        }
    }

    @Test func malformedRecordsAreRefused() throws {
        let body = Data(
            #"{"cursor":1,"grids":[],"records":[{"type":"household","id":"a","registers":{"gridId":[{"dot":[1]}]}}]}"#
                .utf8
        )
        #expect(throws: (any Error).self) { try SnapshotRows(body) }
        #expect(throws: (any Error).self) { try SnapshotRows(Data(#"{"cursor":1,"grids":[],"records":[{"#.utf8)) }
    }
}
