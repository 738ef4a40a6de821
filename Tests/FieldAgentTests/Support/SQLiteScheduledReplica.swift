import ConvergenceSupport
import Foundation
import GRDB
import Shared

@testable import GridSyncAgent

/// The laptop's SQLite replica as a ``ConvergenceSchedule`` drives it: edits through the replica
/// engine over the replica's own store (without the command-line checks, which would refuse most
/// random steps), pulled pages through ``AgentDatabase/commit(_:now:)`` and resyncs through the
/// paged snapshot path a sync takes.
struct SQLiteScheduledReplica: ScheduledReplica {
    let database: AgentDatabase
    /// The grid tree every snapshot brings: the schedule's records all name grid g1.
    static let grids = [GridNode(id: "g1", parentID: nil, level: .county, name: "县", kind: .rural, linesOfWork: [])]

    /// A replica enrolled as `replica` in a new data directory inside `folder`.
    ///
    /// Each commit is flushed to the file as on a laptop unless `durable` is false: the property
    /// test checks the merge, not the disk, and thousands of flushes would cost it minutes.
    init(replica: ReplicaID, in folder: URL, durable: Bool = false) throws {
        let directory = folder.appendingPathComponent("replica-\(replica.rawValue)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try AgentDatabase.open(directory: directory.path)
        if !durable { try database.writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = OFF") } }
        try database.enroll(
            ReplicaState(
                serverURL: "http://test",
                caFile: nil,
                enrollment: EnrollResponse(replica: replica, gridId: "g1", agentName: "r\(replica)", serverTime: 0)
            )
        )
    }

    func write(_ payload: SyncOperation.Payload, to record: RecordKey, now: UInt64) throws -> SyncOperation {
        try database.transaction { store in
            try ReplicaEngine.author([payload], on: record, now: now, in: &store)[0]
        }
    }

    func receive(_ operations: [SyncOperation]) throws {
        _ = try database.commit(
            SyncResponse(acknowledgedThrough: 0, operations: operations, cursor: 0, hasMore: false, serverTime: 0),
            now: 0
        )
    }

    /// Two records a page, each page read back from its JSON as a sync reads the server's.
    func resync(from snapshot: [RecordState]) throws {
        let size = 2
        func page(at start: Int) throws -> SnapshotRows {
            let end = min(start + size, snapshot.count)
            let page = SnapshotPage(
                cursor: 0,
                grids: start == 0 ? Self.grids : [],
                records: Array(snapshot[start..<end]),
                nextAfter: end < snapshot.count ? String(end) : nil
            )
            return try SnapshotRows(CanonicalJSON.encode(page))
        }
        _ = try database.storeSnapshot(first: page(at: 0)) { try page(at: Int($0)!) }
    }

    func holds(_ record: RecordKey) throws -> Bool {
        try database.writer.read { try AgentDatabase.state($0, record) } != nil
    }

    func recordsInKeyOrder() throws -> [RecordState] {
        try database.writer.read { db in
            try Data.fetchAll(db, sql: "SELECT state FROM record").map {
                try CanonicalJSON.decode(RecordState.self, from: $0)
            }
        }
        .sorted { $0.key < $1.key }
    }

    func holdsOperationsBack() throws -> Bool {
        try database.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM waiting") ?? 0 } > 0
    }

    /// The listing columns beside each record, as ``RecordListing`` derives them from the state.
    func listingsMatchStates() throws -> Bool {
        try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT gridId, conflicts, state FROM record").allSatisfy { row in
                let listing = RecordListing(try CanonicalJSON.decode(RecordState.self, from: row["state"]))
                return listing.gridId == row["gridId"] && listing.conflicts == row["conflicts"]
            }
        }
    }
}
