import Foundation
import GRDB
package import Shared

/// A laptop that turns out to be a copy of another (a replica directory copied to a second
/// machine, an image restored over a newer state): its dots name other content than the server
/// holds. It stops syncing until it enrolls again, then renumbers its own operations from the
/// first that differs under its new replica id, so nothing it holds is lost and no dot is reused.
extension AgentDatabase {
    /// Records that this laptop's operations from `counter` on are not the server's.
    func markCopied(from counter: UInt64) throws {
        try writer.write { db in
            var replica = try Self.requireState(db)
            replica.copiedFrom = min(replica.copiedFrom ?? counter, counter)
            try replica.save(db)
        }
    }

    /// Takes on a new enrollment in place, keeping every record and the outbox.
    ///
    /// A copy takes on the new identity; the next sync takes a snapshot and renumbers the outbox
    /// (``renumberOutbox(_:)``). A laptop whose token the county's store no longer knows (restored
    /// from a backup older than its enrollment) must be given its own replica id again, and keeps
    /// everything: its next sync finds the store behind it and sends its work again.
    package func enrollAgain(as enrollment: EnrollResponse, at server: String) throws {
        try writer.write { db in
            var replica = try Self.requireState(db)
            guard replica.mayEnrollAgain else {
                throw AgentError.alreadyEnrolled((writer.path as NSString).deletingLastPathComponent)
            }
            guard replica.copiedFrom != nil else {
                guard enrollment.replica == replica.replica, enrollment.gridId == replica.gridId else {
                    throw AgentError.rebindElsewhere(replica.replica, grid: replica.gridId)
                }
                replica.serverURL = server
                try replica.save(db)
                return
            }
            guard enrollment.gridId == replica.gridId else {
                throw AgentError.reenrolledElsewhere(enrollment.gridId, was: replica.gridId)
            }
            replica.previousReplica = replica.previousReplica ?? replica.replica
            replica.replica = enrollment.replica
            replica.agentName = enrollment.agentName
            replica.serverURL = server
            replica.counter = 0
            replica.acknowledged = 0
            replica.acknowledgedHLC = .zero
            replica.cursor = 0
            replica.snapshotNeeded = true
            // The new identity has no history with the store: the old one's epoch would earn
            // `store_rolled_back` from a store restored since, for what the new one never sent,
            // and a recovery not yet reported is the old id's, reported by the laptop going on
            // with it. Nor are the acknowledged operations kept under the old id the new one's to
            // send again after a later restore (the server refuses another replica's dots, which
            // would stop every sync after it); the server holds them, as does that laptop. The
            // old id's set-aside operations are that laptop's to list too: it settles them (sends
            // them again after a restore, which the store may take), and this one would list them
            // for good, and file its new id's under the same counters.
            replica.store = nil
            replica.recovery = nil
            try db.execute(sql: "DELETE FROM sent")
            try db.execute(sql: "DELETE FROM setAside")
            try replica.save(db)
        }
    }

    /// Renumbers the outbox under the new replica id once a snapshot has brought the server's
    /// records (inside ``finishSnapshot(cursor:)``'s transaction).
    ///
    /// Operations before `copiedFrom` are the ones the server holds under the old id; they are
    /// dropped. The others get new dots in order. Their contexts keep what the author saw of the
    /// old id's shared history (never more than the server's record holds, never a dot at or past
    /// `copiedFrom`, which under the old id names another laptop's work) and cover, under the new
    /// id, the renumbered operations on the same record they had seen.
    static func renumberOutbox(_ db: Database, _ replica: inout ReplicaState) throws {
        guard let old = replica.previousReplica, let from = replica.copiedFrom else { return }
        let outbox = try Data.fetchAll(db, sql: "SELECT operation FROM outbox ORDER BY counter")
            .map { try CanonicalJSON.decode(SyncOperation.self, from: $0) }
        try db.execute(sql: "DELETE FROM outbox")
        var renumbered: [Dot: UInt64] = [:]
        var counter: UInt64 = 0
        for operation in outbox where operation.dot.replica != old || operation.dot.counter >= from {
            counter += 1
            renumbered[operation.dot] = counter
            let server = try state(db, operation.record)?.clock[old] ?? 0
            var entries = operation.context.entries
            let seen = entries.removeValue(forKey: old) ?? 0
            let shared = min(seen, from - 1, server)
            if shared > 0 { entries[old] = shared }
            let own = outbox.filter { $0.record == operation.record && $0.dot.counter < operation.dot.counter }
                .compactMap { operation.context.covers($0.dot) ? renumbered[$0.dot] : nil }.max()
            if let own { entries[replica.replica] = own }
            let moved = SyncOperation(
                dot: Dot(replica: replica.replica, counter: counter),
                context: VersionVector(entries),
                hlc: operation.hlc,
                type: operation.type,
                id: operation.id,
                payload: operation.payload
            )
            try db.execute(
                sql: "INSERT INTO outbox (counter, operation) VALUES (?, ?)",
                arguments: [Int64(counter), CanonicalJSON.encode(moved)]
            )
        }
        replica.counter = counter
        replica.previousReplica = nil
        replica.copiedFrom = nil
    }
}
