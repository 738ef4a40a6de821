import Foundation
import GRDB
import Shared

/// The store's history of epochs (``StoreEpoch``): the current one goes out with every answer,
/// and an agent's last one must be among them, or the store was restored from an older backup.
enum StoreEpochs {
    static func newId() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16) }
            .map { $0.count == 1 ? "0" + $0 : $0 }.joined()
    }

    static func current(_ db: Database) throws -> StoreEpoch {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT generation, id FROM storeEpoch ORDER BY generation DESC LIMIT 1")
        )
        return StoreEpoch(generation: UInt64(row?[0] as Int64? ?? 1), id: row?[1] ?? "")
    }

    /// Whether `epoch` is one this store has been through.
    static func knows(_ epoch: StoreEpoch, _ db: Database) throws -> Bool {
        guard epoch.generation <= WireLimits.maxCounter else { return false }
        return try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) > 0 FROM storeEpoch WHERE generation = ? AND id = ?"),
            arguments: [Int64(epoch.generation), epoch.id]
        ) ?? false
    }

    /// Starts the next epoch: called on the live store once a backup of it is taken.
    static func advance(_ db: Database, now: UInt64) throws {
        let next = try current(db).generation + 1
        try db.cachedStatement(sql: "INSERT INTO storeEpoch(generation, id, at) VALUES (?, ?, ?)").execute(arguments: [
            Int64(next), newId(), Int64(now),
        ])
    }
}
