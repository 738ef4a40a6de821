import Foundation
package import GRDB
import Shared

/// The laptop's replica: one SQLite database in WAL mode holding the scope's records, the outbox
/// of operations the server has not acknowledged, operations waiting for their causes, and the
/// agent's counters. Every change goes through a method that keeps these together in one
/// transaction, so a crash or a power cut at any instant leaves a replica that syncs on.
package struct AgentDatabase: Sendable {
    package let writer: any DatabaseWriter

    /// The database file inside a data directory.
    static let fileName = "replica.sqlite"

    /// Opens (creating if needed) the replica in `directory` and migrates it.
    package static func open(directory: String) throws -> AgentDatabase {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let pool = try DatabasePool(
            path: (directory as NSString).appendingPathComponent(fileName),
            configuration: configuration
        )
        // A village laptop loses power more often than a server; FULL makes an edit survive it.
        // GRDB sets a pool's writer to NORMAL when it turns WAL on (after `prepareDatabase`), and
        // NORMAL may take back the last commits on a power cut, so FULL is set here, afterwards.
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        return try AgentDatabase(pool)
    }

    init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    /// Named, append-only migrations: a released migration is never edited, only followed by a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-29 initial replica") { db in
            try db.execute(
                sql: """
                    -- Who this laptop is and where its sync stands; exactly one row once enrolled.
                    CREATE TABLE replica (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        serverURL TEXT NOT NULL,
                        caFile TEXT,
                        replica INTEGER NOT NULL,
                        gridId TEXT NOT NULL,
                        agentName TEXT NOT NULL,
                        counter INTEGER NOT NULL DEFAULT 0,
                        acknowledged INTEGER NOT NULL DEFAULT 0,
                        cursor INTEGER NOT NULL DEFAULT 0,
                        hlcMilliseconds INTEGER NOT NULL DEFAULT 0,
                        hlcLogical INTEGER NOT NULL DEFAULT 0,
                        snapshotNeeded INTEGER NOT NULL DEFAULT 1,
                        generation INTEGER NOT NULL DEFAULT 0,
                        lastSyncAt INTEGER,
                        clockOffsetMilliseconds INTEGER,
                        failureCode TEXT,
                        failureMessage TEXT,
                        failureMessageZh TEXT,
                        failureAt INTEGER
                    );

                    -- The grid tree of the scope, each node as canonical JSON.
                    CREATE TABLE gridNode (id TEXT PRIMARY KEY NOT NULL, node BLOB NOT NULL);

                    -- One row per record: its merged state as canonical JSON, with the visible grid
                    -- and the number of conflicted fields kept beside it for listing. generation is
                    -- the snapshot that last wrote the row; a finished snapshot drops older rows.
                    CREATE TABLE record (
                        type TEXT NOT NULL,
                        id TEXT NOT NULL,
                        gridId TEXT NOT NULL,
                        conflicts INTEGER NOT NULL,
                        generation INTEGER NOT NULL,
                        state BLOB NOT NULL,
                        PRIMARY KEY (type, id)
                    );

                    -- Operations authored here and not yet acknowledged, by counter.
                    CREATE TABLE outbox (counter INTEGER PRIMARY KEY NOT NULL, operation BLOB NOT NULL);

                    -- Pulled operations whose record has not yet seen their context.
                    CREATE TABLE waiting (
                        type TEXT NOT NULL,
                        id TEXT NOT NULL,
                        replica INTEGER NOT NULL,
                        counter INTEGER NOT NULL,
                        operation BLOB NOT NULL,
                        PRIMARY KEY (type, id, replica, counter)
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("2026-11-29 calendar") { db in
            // The county's working-day calendar as the last snapshot brought it (canonical JSON).
            try db.execute(sql: "CREATE TABLE calendar (id INTEGER PRIMARY KEY CHECK (id = 1), body BLOB NOT NULL)")
        }
        migrator.registerMigration("2026-12-01 plain http accepted") { db in
            // Whether the worker accepted plain http to a server off the laptop (enroll --insecure-http).
            // Replicas enrolled before the agent asked were enrolled over whatever address they have,
            // and keep syncing there: stopping them would strand the edits in their outboxes.
            try db.execute(
                sql: """
                    ALTER TABLE replica ADD COLUMN insecureHTTP INTEGER NOT NULL DEFAULT 0;
                    UPDATE replica SET insecureHTTP = 1 WHERE serverURL LIKE 'http://%';
                    """
            )
        }
        migrator.registerMigration("2026-12-01 set-aside operations") { db in
            try db.execute(
                sql: """
                    -- Operations the server acknowledged as set aside: undone here, shown to the worker.
                    CREATE TABLE setAside (
                        counter INTEGER PRIMARY KEY NOT NULL,
                        operation BLOB NOT NULL,
                        code TEXT NOT NULL,
                        message TEXT NOT NULL,
                        messageZh TEXT NOT NULL,
                        at INTEGER NOT NULL
                    );
                    -- Records to rebuild from the server's state after one of their operations was set
                    -- aside; kept until rebuilt, so a sync broken off in between finishes the job.
                    CREATE TABLE repair (type TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (type, id)) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("2026-12-01 the acknowledged clock reading") { db in
            // The clock reading of the newest operation the server acknowledged: a re-stamped
            // outbox must order after it, as the server holds each agent's readings to rise.
            try db.execute(
                sql: """
                    ALTER TABLE replica ADD COLUMN acknowledgedHlcMilliseconds INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE replica ADD COLUMN acknowledgedHlcLogical INTEGER NOT NULL DEFAULT 0;
                    """
            )
        }
        migrator.registerMigration("2026-12-02 operations of a newer release") { db in
            // Pulled operations this release cannot read yet (a kind, incident step or key of a
            // newer server release), as they came, in the order they came; read again after an
            // upgrade, and merged then.
            try db.execute(
                sql:
                    "CREATE TABLE unreadable (id INTEGER PRIMARY KEY AUTOINCREMENT, operation BLOB NOT NULL, reason TEXT NOT NULL)"
            )
        }
        migrator.registerMigration("2026-12-02 copied replicas") { db in
            // copiedFrom: the first counter at which this laptop's operations differ from what the
            // server holds under its replica id (a copied or restored laptop); previousReplica:
            // that id, once re-enrolled under a new one, until the outbox is renumbered.
            try db.execute(
                sql: """
                    ALTER TABLE replica ADD COLUMN copiedFrom INTEGER;
                    ALTER TABLE replica ADD COLUMN previousReplica INTEGER;
                    """
            )
        }
        migrator.registerMigration("2026-12-02 restored servers") { db in
            try db.execute(
                sql: """
                    -- The county store's epoch at the last exchange (StoreEpoch).
                    ALTER TABLE replica ADD COLUMN storeGeneration INTEGER;
                    ALTER TABLE replica ADD COLUMN storeId TEXT;
                    -- What was sent again after a restore, until reported (StoreRecovery).
                    ALTER TABLE replica ADD COLUMN recoveredResent INTEGER;
                    ALTER TABLE replica ADD COLUMN recoveredLost INTEGER;
                    -- Operations the server acknowledged, kept for a while: if the county's store is
                    -- restored from an older backup, they are sent again.
                    CREATE TABLE sent (counter INTEGER PRIMARY KEY NOT NULL, operation BLOB NOT NULL, acknowledgedAt INTEGER NOT NULL);
                    """
            )
        }
        migrator.registerMigration("2026-12-02 verification") { db in
            // When the replica's digest last matched the county's (AgentDatabase+Digest).
            try db.execute(sql: "ALTER TABLE replica ADD COLUMN verifiedAt INTEGER")
        }
        return migrator
    }
}
