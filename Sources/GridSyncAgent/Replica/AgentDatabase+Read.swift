import Foundation
import GRDB
package import Shared

extension AgentDatabase {
    /// The records of one type, optionally in one grid's subtree, removed ones left out unless asked for.
    package func records(of type: RecordType, inSubtreeOf grid: String? = nil) throws -> [RecordState] {
        try writer.read { db in
            let tree = try Self.gridTree(db)
            return try Data.fetchAll(
                db,
                sql: "SELECT state FROM record WHERE type = ? ORDER BY id",
                arguments: [type.rawValue]
            )
            .map { try CanonicalJSON.decode(RecordState.self, from: $0) }
            .filter { state in
                guard let grid else { return true }
                return tree.isWithin(state.visibleValue(of: "gridId")?.stringValue ?? "", subtreeOf: grid)
            }
        }
    }

    /// One record by id, or a clear error naming what is missing.
    package func record(_ key: RecordKey) throws -> RecordState {
        guard let state = try writer.read({ db in try Self.state(db, key) }) else { throw AgentError.noSuchRecord(key) }
        return state
    }

    /// Every conflicted record, by type and id.
    package func conflictedRecords() throws -> [RecordState] {
        try writer.read { db in
            try Data.fetchAll(db, sql: "SELECT state FROM record WHERE conflicts > 0 ORDER BY type, id")
                .map { try CanonicalJSON.decode(RecordState.self, from: $0) }
        }
    }

    package func gridTree() throws -> GridTree {
        try writer.read { db in try Self.gridTree(db) }
    }

    /// The county's calendar as the last snapshot brought it; weekends only before one arrived.
    package func calendar() throws -> WorkCalendar {
        try writer.read { db in
            try Data.fetchOne(db, sql: "SELECT body FROM calendar WHERE id = 1").map {
                try CanonicalJSON.decode(WorkCalendar.self, from: $0)
            } ?? WorkCalendar()
        }
    }
}
