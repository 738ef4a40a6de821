import Foundation
import GRDB
import Shared

/// A county store restored from an older backup has lost what laptops sent after that backup.
/// Each laptop keeps its acknowledged operations for a while and, told so by the server
/// (`store_rolled_back`), sends again from the first counter the store lacks, then takes a fresh
/// snapshot: every operation a laptop still holds is back in the store, with no duplicates.
extension AgentDatabase {
    /// How long acknowledged operations are kept: `FIELD_AGENT_KEEP_DAYS`, default 30.
    static var keptDays: Int {
        ProcessInfo.processInfo.environment["FIELD_AGENT_KEEP_DAYS"].flatMap(Int.init).map { min(max($0, 0), 3650) }
            ?? 30
    }

    /// The most acknowledged operations kept, whatever their age.
    static let keptMost = 100_000

    /// What sending again after a restore found.
    struct Resend: Equatable {
        /// Operations put back in the outbox.
        let resent: Int
        /// Operations the store lacks that this laptop no longer keeps (older than the window).
        let lost: Int
    }

    /// Puts the kept operations from `counter` on back in the outbox, marks the replica for a
    /// fresh snapshot, and forgets the store's epoch. When some of them are no longer kept, the
    /// operations after the gap cannot follow under this replica id: the laptop must enroll again
    /// (as a copied one does) and renumbers them then.
    ///
    /// Both counts are kept in ``ReplicaState/recovery`` for the next exchange to report.
    func resend(from counter: UInt64) throws -> Resend {
        try writer.write { db in
            var replica = try Self.requireState(db)
            let from = max(1, counter)
            try db.execute(
                sql:
                    "INSERT OR IGNORE INTO outbox (counter, operation) SELECT counter, operation FROM sent WHERE counter >= ?",
                arguments: [Int64(from)]
            )
            try db.execute(sql: "DELETE FROM sent WHERE counter >= ?", arguments: [Int64(from)])
            // The restored store lost its set-aside entries for these too, and decides anew: it may
            // take one now (the household it names may not have left in its history yet). Until
            // its answer sets one aside again, the laptop lists it no more.
            try db.execute(
                sql: "DELETE FROM setAside WHERE counter >= ? AND operation IN (SELECT operation FROM outbox)",
                arguments: [Int64(from)]
            )
            // Of the operations the store lacks and this laptop had acknowledged, those it still keeps.
            let lacking = replica.acknowledged >= from ? Int(replica.acknowledged - from + 1) : 0
            let kept =
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM outbox WHERE counter BETWEEN ? AND ?",
                    arguments: [Int64(from), Int64(replica.acknowledged)]
                ) ?? 0
            let lost = lacking - kept
            // Lowered only: when a copy of this laptop already sent again what the store lacked,
            // `from` lies past operations still in this outbox. They go up as retries, compared
            // with what the store holds, and leave the outbox once acknowledged; raised past them,
            // the acknowledgement would never drop them.
            replica.acknowledged = min(replica.acknowledged, from - 1)
            replica.snapshotNeeded = true
            replica.store = nil
            let reported = replica.recovery ?? StoreRecovery(resent: 0, lost: 0)
            replica.recovery = StoreRecovery(resent: reported.resent + UInt64(kept), lost: reported.lost + UInt64(lost))
            if lost > 0 { replica.copiedFrom = from }
            try replica.save(db)
            return Resend(resent: kept, lost: lost)
        }
    }
}

extension AgentDatabase {
    /// The recovery report reached the server.
    func recoveryReported() throws {
        try writer.write { db in
            var replica = try Self.requireState(db)
            replica.recovery = nil
            try replica.save(db)
        }
    }
}
