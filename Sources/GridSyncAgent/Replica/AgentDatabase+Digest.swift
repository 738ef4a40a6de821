import Foundation
import GRDB
import RecordDigest
import Shared

/// Verification against the county's store: the ``ScopeDigest`` of what this laptop holds of its
/// subtree, computed from the rows on disk (so a record damaged outside the agent's code counts
/// as it now reads), and the repair of the grids whose digests differ.
extension AgentDatabase {
    /// The digest of each grid of the agent's subtree that holds records.
    func gridDigests() throws -> [String: ScopeDigest] {
        try writer.read { db in
            let replica = try Self.requireState(db)
            let subtree = Set(try Self.gridTree(db).subtree(of: replica.gridId))
            var digests: [String: ScopeDigest] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT gridId, state FROM record")
            while let row = try rows.next() {
                let grid: String = row["gridId"]
                guard subtree.contains(grid) else { continue }
                digests[grid, default: ScopeDigest()].toggle(
                    ScopeDigest.of(state: row["state"])
                )
            }
            return digests.filter { $0.value.value != 0 }
        }
    }

    /// Whether the laptop is in a state the server's digest describes: nothing left to send, to
    /// rebuild or to read after an upgrade.
    func isSettled() throws -> Bool {
        try writer.read { db in
            try Int.fetchOne(
                db,
                sql:
                    "SELECT (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM repair) + (SELECT COUNT(*) FROM unreadable)"
            ) == 0
        }
    }

    /// Replaces what this laptop holds of `grid` with the server's records of it; returns how
    /// many records changed (rewritten, added or removed). Nothing is written, and nil returned,
    /// when an edit was made meanwhile: the next sync sends it and verifies again.
    func replaceGrid(_ grid: String, with states: [RecordState]) throws -> Int? {
        try writer.write { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") == 0 else { return nil }
            let replica = try Self.requireState(db)
            var held: [RecordKey: Data] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT type, id, state FROM record WHERE gridId = ?",
                arguments: [grid]
            ) {
                if let type = RecordType(rawValue: row["type"]) {
                    held[RecordKey(type: type, id: row["id"])] = row["state"]
                }
            }
            var changed = 0
            var clock = HybridLogicalClock(last: replica.hlc)
            for state in states {
                let bytes = CanonicalJSON.encode(state)
                if held.removeValue(forKey: state.key) != bytes {
                    try Self.store(db, state, generation: replica.generation)
                    changed += 1
                }
                clock.advance(past: state.latestHLC)
            }
            for key in held.keys {
                try Self.remove(db, key)
                changed += 1
            }
            var updated = replica
            updated.hlc = clock.last
            try updated.save(db)
            return changed
        }
    }

    /// The replica was found equal to the county's store at `now`.
    func markVerified(at now: UInt64) throws {
        try writer.write { db in
            var replica = try Self.requireState(db)
            replica.verifiedAt = now
            try replica.save(db)
        }
    }
}
