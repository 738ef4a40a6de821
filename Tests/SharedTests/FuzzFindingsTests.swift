import Foundation
import Testing

@testable import Shared

/// Inputs that the libFuzzer target (`Tests/Fuzz/`, `scripts/fuzz.sh`) found, replayed as tests.
///
/// Only the findings that fail without trapping are here; the two that trap (a stack overflow in
/// `CanonicalReader.skipValue`, an overflow in `HybridLogicalClock.tick`) would kill the test
/// process and are written up in `Tests/Fuzz/findings/README.md` instead. These tests fail until
/// `CanonicalReader.skipValue` passes over any JSON number, not only those that fit in `Int64`.
@Suite struct FuzzFindingsTests {
    static let findings = PackageRoot.url.appendingPathComponent("Tests/Fuzz/findings")

    static func finding(_ name: String) throws -> Data {
        try Data(contentsOf: findings.appendingPathComponent(name))
    }

    /// A snapshot page whose record clock holds a counter past `Int64.max`: what `SnapshotPage`
    /// reads, the agent's `SnapshotRows` must read too.
    @Test func snapshotRowsReadEveryPageThatSnapshotPageReads() throws {
        let data = try Self.finding("skipvalue-int64-snapshot-clock.json")
        let page = try CanonicalJSON.decode(SnapshotPage.self, from: data)
        let rows = try SnapshotRows(data)
        #expect(rows.rows.map(\.id) == page.records.map(\.id))
        for (row, record) in zip(rows.rows, page.records) {
            #expect(try CanonicalJSON.decode(RecordState.self, from: row.state) == record)
        }
    }

    /// A valid batch whose merged state has a counter past `Int64.max`: a snapshot page holding
    /// that state must read back as the rows the agent would store for it.
    @Test func mergedStateReadsBackAsSnapshotRows() throws {
        let data = try Self.finding("skipvalue-int64-merged-counter.json")
        let request = try CanonicalJSON.decode(SyncRequest.self, from: data)
        var replica = InMemoryReplica(replica: .server)
        for operation in request.operations {
            try operation.validate()
            replica.receive(operation)
        }
        #expect(!replica.records.isEmpty)
        for state in replica.canonicalRecords {
            let page = SnapshotPage(cursor: 0, grids: [], records: [state], nextAfter: nil)
            let rows = try SnapshotRows(CanonicalJSON.encode(page))
            #expect(rows.rows == [try SnapshotRows.Row(state)])
        }
    }
}
