import Crypto
import Foundation
import GRDB
import Shared

/// What the store remembers of each operation it has held, so a dot sent again can be checked
/// against what it named the first time.
///
/// A laptop whose replica directory was copied (a machine restored from an image, a backup put
/// back) reuses its replica id and counters: two laptops then send different operations under the
/// same dots. While the operation log holds an operation, its bytes are compared; once compaction
/// has dropped it, its digest (the first 8 bytes of the SHA-256 of its canonical JSON, kept in
/// `operationDigest`) is.
enum OperationDigest {
    static func of(_ body: Data) -> Data { Data(SHA256.hash(data: body).prefix(8)) }

    /// Whether `operation`, whose canonical JSON is `body`, is the one the store holds under its
    /// dot; nil when the store holds nothing under that dot.
    static func matches(_ operation: SyncOperation, body: Data, _ db: Database) throws -> Bool? {
        let replica = operation.dot.replica.rawValue
        let counter = Int64(operation.dot.counter)
        if let stored = try Data.fetchOne(
            db.cachedStatement(sql: "SELECT body FROM oplog WHERE replica = ? AND counter = ?"),
            arguments: [replica, counter]
        )
            ?? Data.fetchOne(
                db.cachedStatement(sql: "SELECT body FROM setAside WHERE replica = ? AND counter = ?"),
                arguments: [replica, counter]
            )
        {
            return stored == body
        }
        let digest = try Data.fetchOne(
            db.cachedStatement(sql: "SELECT digest FROM operationDigest WHERE replica = ? AND counter = ?"),
            arguments: [replica, counter]
        )
        return digest.map { $0 == of(body) }
    }

    /// Keeps the digests of the operations compaction is about to drop (`seq` up to `floor`).
    static func keep(throughSeq floor: Int64, _ db: Database) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT replica, counter, body FROM oplog WHERE seq <= ? AND replica != 0",
            arguments: [floor]
        )
        let insert = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO operationDigest(replica, counter, digest) VALUES (?, ?, ?)"
        )
        while let row = try rows.next() {
            try insert.execute(arguments: [row["replica"], row["counter"], of(row["body"])])
        }
    }
}
