import Foundation
package import GRDB
package import Shared

/// The county server's store: one SQLite database in WAL mode, reached only through methods that
/// each keep the store's invariants in one transaction (GRDB's `AppDatabase` pattern).
///
/// The daemon and the operator commands open the same file at once; WAL lets readers work beside
/// the one writer, and the busy timeout makes a second writer wait instead of failing.
package struct SQLiteStore: Sendable {
    package let writer: any DatabaseWriter
    /// States the merge decoded recently, checked against each row's `seq` before use.
    let cache: RecordCache
    /// Batches that arrive together share one transaction.
    package let groupCommit: GroupCommit

    /// Opens (creating if needed) `server.sqlite` in `directory` and migrates it, with the directory
    /// 0700 and the database files 0600 (see ``PrivateFiles``).
    ///
    /// - Parameter onTightened: told, once, when the directory or a file in it was open to other
    ///   users (left so by an older release or a loose umask) and has been tightened.
    package static func open(
        directory: String,
        onTightened: (LocalizedText) -> Void = { _ in }
    ) throws -> SQLiteStore {
        let path = (directory as NSString).appendingPathComponent("server.sqlite")
        var loosened = [try PrivateFiles.directory(directory), try PrivateFiles.restrict(path)]
        let database = try SQLiteStore(openPool(path: path))
        // SQLite gives new -wal and -shm files the database's mode, so tightening the database first
        // covers them; a new database, or an older release's -wal and -shm, are tightened here.
        loosened += try ["", "-wal", "-shm"].map { try PrivateFiles.restrict(path + $0) }
        if let notice = PrivateFiles.notice(directory: directory, loosened.compactMap { $0 }) { onTightened(notice) }
        return database
    }

    /// Opens a database file in WAL mode whose every commit reaches the disk before it returns.
    ///
    /// An acknowledged batch must survive a power cut, not only a process crash. GRDB sets a pool's
    /// writer to `synchronous = NORMAL` when it turns WAL on, after `prepareDatabase` has run, and
    /// under NORMAL a power cut can take back the last commits; so FULL is set here, afterwards.
    /// Group commit spreads that flush over every batch waiting at the time.
    package static func openPool(path: String) throws -> DatabasePool {
        let pool = try DatabasePool(path: path, configuration: configuration())
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        return pool
    }

    init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        cache = RecordCache()
        groupCommit = GroupCommit(writer: writer, cache: cache)
        try Self.migrator.migrate(writer)
    }

    static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // A batch's savepoint keeps the pages it changes until it is released; past 64 KiB
            // SQLite spills them to a temporary file, a write and a read for every changed page
            // of a group commit. They only matter until the commit, so memory is their place.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        return configuration
    }

    /// Copies the whole database to `path` with SQLite's online backup, consistent while the daemon
    /// serves; the copy is 0600, as private as the store it copies. Then the live store starts its
    /// next epoch: a store restored from this copy presents the epoch before, and the laptops that
    /// synced since notice and send again what it lost (``StoreEpoch``).
    package func backup(to path: String) throws {
        let destination = try DatabaseQueue(path: path)
        try writer.backup(to: destination)
        try destination.close()
        try PrivateFiles.restrict(path)
        try writer.write { try StoreEpochs.advance($0, now: WallClock.nowMilliseconds()) }
    }
}

extension SQLiteStore: SyncStore {}
