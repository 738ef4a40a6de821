import Foundation
import GRDB
import Shared

extension SQLiteStore {
    /// Named, append-only migrations: a released migration is never edited, only followed by a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-29 initial schema") { db in
            // The grid tree; g1…g4 name the node's ancestors at levels 1–4 (itself at its own
            // level), so "is it in this subtree" is one indexed equality.
            try db.execute(
                sql: """
                    CREATE TABLE gridNode (
                        id TEXT PRIMARY KEY NOT NULL,
                        parentId TEXT REFERENCES gridNode(id),
                        level INTEGER NOT NULL,
                        name TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        linesOfWork TEXT NOT NULL,
                        g1 TEXT, g2 TEXT, g3 TEXT, g4 TEXT
                    );
                    CREATE INDEX gridNode_parent ON gridNode(parentId);

                    CREATE TABLE agent (
                        replica INTEGER PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        gridId TEXT NOT NULL REFERENCES gridNode(id),
                        tokenHash TEXT NOT NULL UNIQUE,
                        enrolledAt INTEGER NOT NULL,
                        lastSyncAt INTEGER,
                        cursor INTEGER NOT NULL DEFAULT 0,
                        acknowledgedThrough INTEGER NOT NULL DEFAULT 0,
                        resyncRequestedAt INTEGER,
                        resyncReason TEXT,
                        revokedAt INTEGER
                    );

                    -- A rowid table: states are often larger than WITHOUT ROWID tables store well.
                    CREATE TABLE record (
                        type TEXT NOT NULL,
                        id TEXT NOT NULL,
                        gridId TEXT NOT NULL,
                        g1 TEXT, g2 TEXT, g3 TEXT, g4 TEXT,
                        state BLOB NOT NULL,
                        seq INTEGER NOT NULL,
                        UNIQUE (type, id)
                    );
                    CREATE INDEX record_g1 ON record(g1, type, id);
                    CREATE INDEX record_g2 ON record(g2, type, id);
                    CREATE INDEX record_g3 ON record(g3, type, id);
                    CREATE INDEX record_g4 ON record(g4, type, id);

                    CREATE TABLE oplog (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        replica INTEGER NOT NULL,
                        counter INTEGER NOT NULL,
                        g1 TEXT, g2 TEXT, g3 TEXT, g4 TEXT,
                        body BLOB NOT NULL,
                        receivedAt INTEGER NOT NULL,
                        UNIQUE (replica, counter)
                    );
                    CREATE INDEX oplog_g1 ON oplog(g1, seq);
                    CREATE INDEX oplog_g2 ON oplog(g2, seq);
                    CREATE INDEX oplog_g3 ON oplog(g3, seq);
                    CREATE INDEX oplog_g4 ON oplog(g4, seq);

                    CREATE TABLE conflict (
                        type TEXT NOT NULL,
                        recordId TEXT NOT NULL,
                        field TEXT NOT NULL,
                        since INTEGER NOT NULL,
                        PRIMARY KEY (type, recordId, field)
                    ) WITHOUT ROWID;

                    CREATE TABLE registryCounter (
                        day TEXT PRIMARY KEY NOT NULL,
                        last INTEGER NOT NULL
                    ) WITHOUT ROWID;

                    CREATE TABLE serverState (
                        key TEXT PRIMARY KEY NOT NULL,
                        value INTEGER NOT NULL
                    ) WITHOUT ROWID;

                    CREATE TABLE audit (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        subject TEXT,
                        detail TEXT
                    );
                    """
            )
        }
        migrator.registerMigration("2026-11-29 one scope index on records") { db in
            // Four indexes, one per level, cost a page each on every new record. One index on the
            // whole ancestry serves every level by equality on its prefix; absent levels become ''
            // so snapshot pages can continue from a row value.
            try db.execute(
                sql: """
                    DROP INDEX record_g1;
                    DROP INDEX record_g2;
                    DROP INDEX record_g3;
                    DROP INDEX record_g4;
                    UPDATE record SET g1 = COALESCE(g1, ''), g2 = COALESCE(g2, ''), g3 = COALESCE(g3, ''), g4 = COALESCE(g4, '');
                    CREATE INDEX record_scope ON record(g1, g2, g3, g4, type, id);
                    """
            )
        }
        migrator.registerMigration("2026-11-29 calendar and incident assignments") { db in
            try db.execute(
                sql: """
                    -- The county's working-day calendar: weekdays off and weekend days worked (调休).
                    CREATE TABLE calendarDay (date TEXT PRIMARY KEY NOT NULL, kind TEXT NOT NULL) WITHOUT ROWID;

                    -- Incidents sent to a node outside the grid subtree they started in (a county
                    -- department, a grid of another village). Agents enrolled at that node see them.
                    CREATE TABLE assignment (
                        node TEXT NOT NULL,
                        type TEXT NOT NULL,
                        id TEXT NOT NULL,
                        since INTEGER NOT NULL,
                        PRIMARY KEY (node, type, id)
                    ) WITHOUT ROWID;
                    CREATE INDEX assignment_record ON assignment(type, id);

                    -- The operations of assigned incidents, by node: the assigned agents' pull.
                    CREATE TABLE assignedOp (node TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (node, seq)) WITHOUT ROWID;

                    -- The escalation sweep reads every incident; they are few among the records.
                    CREATE INDEX record_incident ON record(id) WHERE type = 'incident';
                    """
            )
        }
        migrator.registerMigration("2026-12-01 each agent's newest clock reading") { db in
            // A replica's readings only rise: an operation stamped before the agent's previous one
            // is refused, so a laptop cannot slip a step in before one the county has seen.
            try db.execute(
                sql: """
                    ALTER TABLE agent ADD COLUMN lastHlcMilliseconds INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE agent ADD COLUMN lastHlcLogical INTEGER NOT NULL DEFAULT 0;
                    """
            )
        }
        migrator.registerMigration("2026-12-01 open incidents") { db in
            // The deadline sweep reads only these, not every incident the county ever had.
            try db.execute(sql: "CREATE TABLE openIncident (id TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID")
            for state in try Data.fetchAll(db, sql: "SELECT state FROM record WHERE type = 'incident'") {
                let record = try CanonicalJSON.decode(RecordState.self, from: state)
                if IncidentState(record: record)?.status.isOpen ?? true {
                    try db.execute(sql: "INSERT INTO openIncident(id) VALUES (?)", arguments: [record.id])
                }
            }
        }
        migrator.registerMigration("2026-12-01 record moves") { db in
            // Where each record stood before a move, by the move's sequence number: a snapshot
            // pages through records where they stood when it began, so a record moving during a
            // snapshot arrives exactly once; and an edit made before its author could know of a
            // move is judged by where the record stood then. Moves are rare; the rows are kept.
            try db.execute(
                sql: """
                    CREATE TABLE recordMove (
                        seq INTEGER PRIMARY KEY NOT NULL,
                        type TEXT NOT NULL,
                        id TEXT NOT NULL,
                        g1 TEXT NOT NULL, g2 TEXT NOT NULL, g3 TEXT NOT NULL, g4 TEXT NOT NULL,
                        -- The move's dot: an edit whose context does not cover it had not seen it.
                        replica INTEGER NOT NULL,
                        counter INTEGER NOT NULL
                    );
                    CREATE INDEX recordMove_record ON recordMove(type, id, seq);
                    """
            )
        }
        migrator.registerMigration("2026-12-01 set-aside operations") { db in
            // Operations of honest agents that the server acknowledged without storing, kept for
            // an operator to apply or discard (protocol/README.md, "Set aside").
            try db.execute(
                sql: """
                    CREATE TABLE setAside (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        replica INTEGER NOT NULL,
                        counter INTEGER NOT NULL,
                        type TEXT NOT NULL,
                        recordId TEXT NOT NULL,
                        body BLOB NOT NULL,
                        code TEXT NOT NULL,
                        message TEXT NOT NULL,
                        messageZh TEXT NOT NULL,
                        at INTEGER NOT NULL,
                        -- pending, applied or discarded, with who decided, when and why
                        status TEXT NOT NULL DEFAULT 'pending',
                        decidedBy TEXT,
                        decidedAt INTEGER,
                        reason TEXT,
                        UNIQUE (replica, counter)
                    );
                    CREATE INDEX setAside_pending ON setAside(status, id);
                    """
            )
        }
        migrator.registerMigration("2026-12-02 operation digests") { db in
            // What compaction dropped, by dot: 8 bytes of its SHA-256 (OperationDigest).
            try db.execute(
                sql: """
                    CREATE TABLE operationDigest (
                        replica INTEGER NOT NULL,
                        counter INTEGER NOT NULL,
                        digest BLOB NOT NULL,
                        PRIMARY KEY (replica, counter)
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("2026-12-02 store epochs") { db in
            // The store's history: one epoch at creation, one more after every backup (StoreEpoch).
            try db.execute(
                sql:
                    "CREATE TABLE storeEpoch (generation INTEGER PRIMARY KEY NOT NULL, id TEXT NOT NULL, at INTEGER NOT NULL)"
            )
            try db.execute(
                sql: "INSERT INTO storeEpoch(generation, id, at) VALUES (1, ?, 0)",
                arguments: [StoreEpochs.newId()]
            )
            // What each laptop reported sending again after a restore, per epoch (StoreRecovery).
            try db.execute(
                sql: """
                    CREATE TABLE storeRecovery (
                        generation INTEGER NOT NULL, replica INTEGER NOT NULL, resent INTEGER NOT NULL,
                        lost INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (generation, replica))
                    """
            )
        }
        migrator.registerMigration("2026-12-02 scope digests") { db in
            // Each record's contribution to its grid's ScopeDigest, and each grid's (GridDigests).
            try db.execute(
                sql: """
                    ALTER TABLE record ADD COLUMN digest INTEGER NOT NULL DEFAULT 0;
                    CREATE TABLE gridDigest (gridId TEXT PRIMARY KEY NOT NULL, digest INTEGER NOT NULL);
                    -- A subtree's grids, found by the ancestor at the agent's level on every exchange.
                    CREATE INDEX gridNode_g1 ON gridNode(g1);
                    CREATE INDEX gridNode_g2 ON gridNode(g2);
                    CREATE INDEX gridNode_g3 ON gridNode(g3);
                    CREATE INDEX gridNode_g4 ON gridNode(g4);
                    """
            )
            try GridDigests.rebuild(db)
        }
        migrator.registerMigration("2026-12-02 grid writes") { db in
            // Every write of a moved record's gridId, with its context (GridWrites): scope is
            // judged by where the record stood for an edit's author, whatever order moves arrived in.
            try db.execute(
                sql: """
                    CREATE TABLE gridWrite (
                        type TEXT NOT NULL,
                        id TEXT NOT NULL,
                        replica INTEGER NOT NULL,
                        counter INTEGER NOT NULL,
                        hlcMilliseconds INTEGER NOT NULL,
                        hlcLogical INTEGER NOT NULL,
                        context BLOB NOT NULL,
                        gridId TEXT NOT NULL,
                        PRIMARY KEY (type, id, replica, counter)
                    ) WITHOUT ROWID;
                    """
            )
            try GridWrites.backfill(db)
        }
        return migrator
    }
}
