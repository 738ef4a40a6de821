package import GRDB

/// The append-only audit trail: who did what to which agent, batch or record, and why.
///
/// Rows are only ever inserted. Details name agents, grids, batches and counts; never a
/// resident's personal data.
package enum Audit {
    package static func record(
        _ db: Database,
        at: UInt64,
        actor: String,
        action: String,
        subject: String?,
        detail: String?
    ) throws {
        try db.cachedStatement(sql: "INSERT INTO audit(at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [Int64(at), actor, action, subject, detail])
    }
}
