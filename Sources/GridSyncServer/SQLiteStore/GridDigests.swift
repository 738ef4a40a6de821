import Foundation
import GRDB
import RecordDigest
import Shared

/// The server's ``ScopeDigest`` of each grid, kept up to date as records are written, so the digest
/// of an agent's subtree costs a read of its grids' rows, not of its records.
///
/// Every record row carries its own contribution (`record.digest`), and `gridDigest` the XOR of
/// the contributions of the records whose grid it is. A write XORs the old contribution out of the
/// grid it left and the new one into the grid it stands in; ``GridDigestChanges`` gathers a batch's
/// writes and ``apply(_:_:)`` writes them once per grid, inside the batch's transaction.
package enum GridDigests {
    /// Stored as SQLite's signed 64-bit integers, bit for bit.
    static func column(_ digest: UInt64) -> Int64 { Int64(bitPattern: digest) }

    /// XORs a change into a grid's digest. SQLite has no XOR operator: a ^ b = (a | b) & ~(a & b).
    package static let applyChange = """
        INSERT INTO gridDigest(gridId, digest) VALUES (?, ?) ON CONFLICT(gridId)
        DO UPDATE SET digest = (digest | excluded.digest) & ~(digest & excluded.digest)
        """

    static func apply(_ changes: GridDigestChanges, _ db: Database) throws {
        for (grid, change) in changes.byGrid where change != 0 {
            try db.cachedStatement(sql: applyChange).execute(arguments: [grid, column(change)])
        }
    }

    /// The digest of the records of `agent`'s subtree.
    static func subtree(of agent: EnrolledAgent, _ db: Database) throws -> ScopeDigest {
        ScopeDigest(combining: try grids(of: agent, db).map(\.digest))
    }

    /// The digest of each grid of `agent`'s subtree that holds records, by id.
    static func grids(of agent: EnrolledAgent, _ db: Database) throws -> [(id: String, digest: ScopeDigest)] {
        let rows =
            if let column = agent.scopeColumn {
                try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT gridDigest.gridId, gridDigest.digest FROM gridNode
                            JOIN gridDigest ON gridDigest.gridId = gridNode.id WHERE gridNode.\(column) = ?
                            ORDER BY gridDigest.gridId
                            """
                    ),
                    arguments: [agent.gridId]
                )
            } else {
                try Row.fetchAll(db.cachedStatement(sql: "SELECT gridId, digest FROM gridDigest ORDER BY gridId"))
            }
        return rows.compactMap { row in
            let digest = UInt64(bitPattern: row["digest"] as Int64)
            return digest == 0 ? nil : (row["gridId"], ScopeDigest(digest))
        }
    }

    /// Computes every record's contribution and every grid's digest from the stored states: for
    /// the migration that introduced them.
    static func rebuild(_ db: Database) throws {
        var changes = GridDigestChanges()
        let rows = try Row.fetchCursor(db, sql: "SELECT rowid, gridId, state FROM record")
        while let row = try rows.next() {
            let digest = ScopeDigest.of(state: row["state"])
            try db.cachedStatement(sql: "UPDATE record SET digest = ? WHERE rowid = ?").execute(arguments: [
                column(digest), row["rowid"] as Int64,
            ])
            changes.record(from: nil, to: row["gridId"], digest: digest)
        }
        try db.cachedStatement(sql: "DELETE FROM gridDigest").execute()
        try apply(changes, db)
    }
}
