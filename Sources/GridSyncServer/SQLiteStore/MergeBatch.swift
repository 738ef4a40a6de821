import Foundation
import GRDB
import RecordDigest
import Shared

/// One write transaction's worth of merging: operations applied to records, appended to the
/// operation log, and the touched records saved once at the end.
///
/// Agents' batches and the server's own operations (registrations, operator resolutions) go
/// through here alike, so the invariants live in one place: every stored operation is in the
/// log exactly once, in causal order per record, and every record row holds the merge of its log.
/// A batch that throws is finished: its caller rolls its transaction or savepoint back and drops it.
package struct MergeBatch {
    private let db: Database
    private let agent: EnrolledAgent?
    private let now: UInt64
    private let rules: ExchangeRules
    private let cache: RecordCache?
    private var records: [RecordKey: Entry] = [:]
    private var serverCounter: UInt64?
    private var serverClock = HybridLogicalClock()
    private(set) var acknowledgedThrough: UInt64
    /// The agent's newest stored HLC reading; each of its operations must be stamped later.
    private var lastHLC: HLCTimestamp = .zero
    /// The grid tree as the incident role table asks about it, read on demand.
    private let grids: StoredGridPlacement
    private(set) var stored = 0
    /// Operations of this batch acknowledged as set aside.
    private(set) var setAsideCount = 0
    /// The agent's set-aside counters by record, read when first needed.
    private var setAsideByRecord: [RecordKey: [UInt64]]?
    private(set) var registered = 0
    private var lastSeq: Int64 = 0
    /// What the saved records change in their grids' digests, written once in ``finish(batchId:cursor:)``.
    private var digestChanges = GridDigests.Changes()
    /// The records written by ``finish(batchId:cursor:)``, for the cache once the transaction commits.
    private(set) var saved: [SavedRecord] = []

    private struct Entry {
        var state: RecordState
        var scope: GridScope
        /// Whether the stored row had conflicts, so saving knows if the conflict index may need a change.
        let hadConflicts: Bool
        var dirty = false
        /// Set when a write moved the record to another grid.
        var moved = false
        /// Where the record stood before each move in this batch, with the move's sequence number
        /// and dot (``recordMove``): snapshots page by where records stood when they started.
        var moves: [(seq: Int64, scope: GridScope, dot: Dot)] = []
        /// Nodes outside the record's subtree that an incident was sent to (``assign(_:to:)``).
        var assigned: [String] = []
        /// The stored row's grid and digest contribution; nil for a record this batch creates.
        var stored: (grid: String, digest: UInt64)?
    }

    /// A batch for `agent`'s operations, or for the server's own when `agent` is nil.
    init(db: Database, agent: EnrolledAgent?, now: UInt64, rules: ExchangeRules, cache: RecordCache? = nil) throws {
        self.db = db
        self.agent = agent
        self.now = now
        self.rules = rules
        self.cache = cache
        grids = StoredGridPlacement(db)
        acknowledgedThrough = 0
        if let agent,
            let row = try Row.fetchOne(
                db.cachedStatement(sql: Statements.acknowledged),
                arguments: [agent.replica.rawValue]
            )
        {
            acknowledgedThrough = UInt64(row[0] as Int64)
            lastHLC = HLCTimestamp(wallMilliseconds: UInt64(row[1] as Int64), logical: UInt32(row[2] as Int64))
        }
    }

    /// Stores one of the agent's operations: the next counter in line, in scope, causally ready.
    ///
    /// An operation an honest agent may send without being able to know better (a resident of a
    /// household that moved to another village meanwhile, or one that builds on such an
    /// operation) is set aside instead: acknowledged, kept in `setAside` for an operator, and
    /// named in ``setAside``, while the rest of the batch is stored. Anything else refuses the batch.
    mutating func store(_ operation: SyncOperation) throws {
        guard let agent, operation.dot.counter == acknowledgedThrough + 1 else {
            throw ExchangeError.missingDependency(operation.dot)
        }
        // The agent's readings rise, set aside or not.
        guard operation.hlc > lastHLC else { throw ExchangeError.clockWentBack(operation.dot) }
        do {
            try merge(operation, by: agent)
        } catch let error as ExchangeError where error.setsAside {
            try setAside(operation, because: error, by: agent)
        }
        acknowledgedThrough = operation.dot.counter
        lastHLC = operation.hlc
    }

    private mutating func merge(_ operation: SyncOperation, by agent: EnrolledAgent) throws {
        if let earlier = try setAsideDot(under: operation, by: agent) {
            throw ExchangeError.dependsOnSetAside(operation.dot, earlier)
        }
        var entry = try load(operation)
        do {
            // What the author had seen comes first: scope is judged by it (``isInScope``), and
            // after a restore from an older backup the store may lack some of it (a move back
            // into the author's grid, sent again later by its author), which the operation waits for.
            guard entry.state.readiness(of: operation) == .ready else {
                throw ExchangeError.missingDependency(operation.dot)
            }
            guard try isInScope(entry, as: operation, sees: agent) else {
                throw ExchangeError.outOfScope(operation.dot, agentGrid: agent.gridId)
            }
            // Its reading follows everything its context covers: a step backdated before a
            // server event would otherwise fold before it.
            guard operation.hlc > entry.state.latestHLC(seenBy: operation.context) else {
                throw ExchangeError.clockWentBack(operation.dot)
            }
            try checkWrite(operation, on: entry, by: agent)
        } catch {
            // Nothing is written yet: the record stays as it was for the rest of the batch.
            if !entry.state.clock.isEmpty { records[operation.record] = entry }
            throw error
        }
        let isFirstReport = entry.state.clock.isEmpty && operation.type == .incident
        serverClock.advance(past: operation.hlc)
        try append(operation, to: &entry)
        try followAssignment(of: &entry)
        try followMove(of: &entry, by: operation, agent: agent)
        stored += 1
        records[operation.record] = entry
        if isFirstReport { try register(operation.record) }
    }

    /// One of the agent's set-aside operations on the same record that `operation`'s context
    /// covers: the server does not have what the operation builds on.
    private mutating func setAsideDot(under operation: SyncOperation, by agent: EnrolledAgent) throws -> Dot? {
        guard operation.context[agent.replica] > 0 else { return nil }
        if setAsideByRecord == nil {
            var known: [RecordKey: [UInt64]] = [:]
            for row in try Row.fetchAll(
                db.cachedStatement(sql: Statements.setAsideOfAgent),
                arguments: [agent.replica.rawValue]
            ) {
                guard let type = RecordType(rawValue: row["type"]) else { continue }
                known[RecordKey(type: type, id: row["recordId"]), default: []].append(UInt64(row["counter"] as Int64))
            }
            setAsideByRecord = known
        }
        return setAsideByRecord?[operation.record]?.map { Dot(replica: agent.replica, counter: $0) }
            .first { operation.context.covers($0) }
    }

    /// Keeps the operation for an operator and acknowledges it as set aside.
    private mutating func setAside(
        _ operation: SyncOperation,
        because error: ExchangeError,
        by agent: EnrolledAgent
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO setAside(replica, counter, type, recordId, body, code, message, messageZh, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                agent.replica.rawValue, Int64(operation.dot.counter), operation.type.rawValue, operation.id,
                CanonicalJSON.encode(operation), error.code.rawValue, error.message.english, error.message.chinese,
                Int64(now),
            ]
        )
        setAsideByRecord?[operation.record, default: []].append(operation.dot.counter)
        setAsideCount += 1
    }

    /// Whether the record lies in the agent's scope, judged by what the operation's author had
    /// seen: a household moved out of a group while its worker edited it offline is still the
    /// group's for that edit, which merges as concurrent with the move and reaches the new grid.
    ///
    /// Where it stood for the author is the `gridId` its context saw (``GridWrites``), not the
    /// order moves arrived in, which a restore from an older backup changes.
    private func isInScope(_ entry: Entry, as operation: SyncOperation, sees agent: EnrolledAgent) throws -> Bool {
        if entry.scope.isVisible(to: agent) || entry.assigned.contains(agent.gridId) { return true }
        // An incident its author held when it acted, taken back since (the assignment ended).
        if let seen = IncidentState(record: entry.state, seenBy: operation.context),
            seen.responsibleNode == agent.gridId
        {
            return true
        }
        guard let grid = try GridWrites.grid(of: operation.record, seenBy: operation.context, db),
            let stood = try GridScope.fetch(db, gridId: grid)
        else { return false }
        return stood.isVisible(to: agent)
    }

    /// The rules that depend on the record as stored: records are created once, a resident's
    /// household lies in the agent's scope, and an incident step belongs to the agent's node
    /// (the role table, judged on the incident as the agent saw it).
    private mutating func checkWrite(_ operation: SyncOperation, on entry: Entry, by agent: EnrolledAgent) throws {
        switch operation.payload {
        case .create(let fields), .log(let fields):
            guard entry.state.clock.isEmpty else { throw ExchangeError.alreadyExists(operation.dot, operation.record) }
            try checkHousehold(in: fields, of: operation, by: agent)
        case .set(let fields):
            try checkHousehold(in: fields, of: operation, by: agent)
        case .event(let event):
            guard let seen = IncidentState(record: entry.state, seenBy: operation.context) else { return }
            do {
                try IncidentRoles.check(event, by: agent.gridId, on: seen, in: grids)
            } catch {
                throw ExchangeError.invalid(error, dot: operation.dot)
            }
        default:
            break
        }
    }

    /// A resident's household must exist and lie in the agent's scope.
    private mutating func checkHousehold(
        in fields: [String: FieldValue],
        of operation: SyncOperation,
        by agent: EnrolledAgent
    ) throws {
        guard operation.type == .resident, let id = fields["householdId"]?.stringValue else { return }
        let key = RecordKey(type: .household, id: id)
        let household = try records[key] ?? loadExisting(key)
        guard let household, !household.state.clock.isEmpty else {
            // One this agent created in an operation set aside: what it could not know, set aside too.
            let setAside = try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM setAside WHERE replica = ? AND type = 'household' AND recordId = ?",
                arguments: [agent.replica.rawValue, id]
            )
            if setAside ?? 0 > 0 {
                throw ExchangeError.noHousehold(operation.dot, id, agentGrid: agent.gridId).settingAside()
            }
            // One the store never had is what a forged client names, or an honest one after the
            // store was restored from an older backup that lacks it: the resident waits, as an
            // edit of a record the store lost does, until the household's author sends it again.
            throw ExchangeError.missingDependency(operation.dot)
        }
        if records[key] == nil { records[key] = household }
        guard household.scope.isVisible(to: agent) else {
            // It left the agent's scope (a move to another village) after the agent last saw it.
            throw ExchangeError.noHousehold(operation.dot, id, agentGrid: agent.gridId).settingAside()
        }
    }

    /// When a write moves a record to another grid (a household moving house), its row follows:
    /// later operations are filed under the new grid. The move itself stays filed under the old
    /// grid, so the old grid's agents see it leave. Agents that see the new grid but not the old
    /// one never had the record's history, so they take a fresh snapshot at their next sync.
    private mutating func followMove(of entry: inout Entry, by operation: SyncOperation, agent: EnrolledAgent) throws {
        guard case .set(let fields) = operation.payload, let grid = fields["gridId"]?.stringValue else { return }
        guard let written = try GridScope.fetch(db, gridId: grid) else {
            throw ExchangeError.unknownGrid(grid, dot: operation.dot)
        }
        guard written.isVisible(to: agent) else {
            throw ExchangeError.outOfScope(operation.dot, agentGrid: agent.gridId)
        }
        try Self.checkHome(of: operation, in: written)
        guard let visible = entry.state.visibleValue(of: "gridId")?.stringValue, visible != entry.scope.gridId,
            let target = visible == grid ? written : try GridScope.fetch(db, gridId: visible)
        else { return }
        let previous = entry.scope
        entry.scope = target
        entry.moved = true
        entry.moves.append((lastSeq, previous, operation.dot))
        let candidates = try Row.fetchAll(
            db,
            sql: "\(EnrolledAgent.selection) WHERE revokedAt IS NULL AND agent.resyncRequestedAt IS NULL"
        ).map(EnrolledAgent.init(row:))
        for other in candidates where target.isVisible(to: other) && !previous.isVisible(to: other) {
            try db.execute(
                sql: "UPDATE agent SET resyncRequestedAt = ?, resyncReason = ? WHERE replica = ?",
                arguments: [
                    Int64(now), "\(operation.type.rawValue) \(operation.id) moved into grid \(visible)",
                    other.replica.rawValue,
                ]
            )
        }
    }

    /// Households and residents live in level-4 grids, where the households are.
    private static func checkHome(of operation: SyncOperation, in scope: GridScope) throws {
        if operation.type == .household || operation.type == .resident, scope.ancestors[3] != scope.gridId {
            throw ExchangeError.notAGroup(scope.gridId, dot: operation.dot)
        }
    }

    /// Authors and stores a server operation (replica 0) on an existing record.
    @discardableResult
    ///
    /// A `create` or `log` may also bring a record the store does not have (an operator applying
    /// a set-aside creation).
    mutating func author(_ payload: SyncOperation.Payload, on record: RecordKey) throws -> SyncOperation {
        guard var entry = try records.removeValue(forKey: record) ?? loadExisting(record) ?? newEntry(record, payload)
        else {
            throw ExchangeError(
                code: .notFound,
                message: LocalizedText(
                    "There is no \(record.type.rawValue) \(record.id).",
                    zh: "不存在 \(record.type.rawValue) \(record.id)。"
                )
            )
        }
        let counter = try nextServerCounter()
        serverClock.advance(past: entry.state.latestHLC)
        let operation = SyncOperation(
            dot: Dot(replica: .server, counter: counter),
            context: entry.state.clock,
            hlc: serverClock.tick(now: now),
            type: record.type,
            id: record.id,
            payload: payload
        )
        try append(operation, to: &entry)
        try followAssignment(of: &entry)
        records[record] = entry
        return operation
    }

    /// The set-aside notices for the agent's operations with counters in `counters`: those of
    /// this batch and those of a retried one, so an agent whose answer was lost still learns.
    func setAsideNotices(in counters: ClosedRange<UInt64>) throws -> [SetAsideNotice] {
        guard let agent else { return [] }
        return try Row.fetchAll(
            db.cachedStatement(sql: Statements.setAsideNotices),
            arguments: [agent.replica.rawValue, Int64(counters.lowerBound), Int64(counters.upperBound)]
        ).map { row in
            SetAsideNotice(
                dot: Dot(replica: agent.replica, counter: UInt64(row["counter"] as Int64)),
                code: row["code"],
                message: LocalizedText(row["message"], zh: row["messageZh"])
            )
        }
    }

    /// Saves every touched record, its conflicts, the server counter and the agent's progress.
    ///
    /// - Returns: how many conflicts the batch opened.
    mutating func finish(batchId: String?, cursor: UInt64?) throws -> Int {
        var opened = 0
        for (key, entry) in records where entry.dirty {
            try saveRecord(key, entry)
            saved.append((key, lastSeq, entry.state))
            if entry.hadConflicts || entry.state.registers.values.contains(where: { $0.count > 1 }) {
                opened += try saveConflicts(of: entry.state)
            }
        }
        try GridDigests.apply(digestChanges, db)
        if let serverCounter {
            try db.execute(
                sql: "INSERT OR REPLACE INTO serverState(key, value) VALUES ('serverCounter', ?)",
                arguments: [Int64(serverCounter)]
            )
        }
        if let agent {
            try db.cachedStatement(sql: Statements.progress).execute(arguments: [
                Int64(acknowledgedThrough), Int64(lastHLC.wallMilliseconds), Int64(lastHLC.logical), Int64(now),
                cursor.map(Int64.init), agent.replica.rawValue,
            ])
            if stored > 0 || setAsideCount > 0 {
                try Audit.record(
                    db,
                    at: now,
                    actor: "agent:\(agent.replica.rawValue)",
                    action: "push",
                    subject: batchId,
                    detail: "\(stored) operations through counter \(acknowledgedThrough), \(setAsideCount) set aside"
                )
            }
        }
        return opened
    }

    // MARK: Records

    private mutating func load(_ operation: SyncOperation) throws -> Entry {
        // Taken out while it changes, so the state's storage is not copied on every operation.
        if let entry = records.removeValue(forKey: operation.record) { return entry }
        if let entry = try loadExisting(operation.record) { return entry }
        switch operation.payload {
        case .create(let fields), .log(let fields):
            guard let grid = fields["gridId"]?.stringValue else { throw ExchangeError.missingDependency(operation.dot) }
            guard let scope = try GridScope.fetch(db, gridId: grid) else {
                throw ExchangeError.unknownGrid(grid, dot: operation.dot)
            }
            try Self.checkHome(of: operation, in: scope)
            return Entry(state: RecordState(type: operation.type, id: operation.id), scope: scope, hadConflicts: false)
        default:
            throw ExchangeError.missingDependency(operation.dot)
        }
    }

    /// A record a `create` or `log` brings, placed in the grid its fields name; nil for other kinds.
    private func newEntry(_ key: RecordKey, _ payload: SyncOperation.Payload) throws -> Entry? {
        switch payload {
        case .create(let fields), .log(let fields):
            guard let grid = fields["gridId"]?.stringValue else { return nil }
            guard let scope = try GridScope.fetch(db, gridId: grid) else {
                throw ExchangeError(
                    code: .invalidValue,
                    message: LocalizedText("Grid \(grid) does not exist.", zh: "网格 \(grid) 不存在。")
                )
            }
            return Entry(state: RecordState(type: key.type, id: key.id), scope: scope, hadConflicts: false)
        default:
            return nil
        }
    }

    private func loadExisting(_ key: RecordKey) throws -> Entry? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: Statements.loadRecord),
                arguments: [key.type.rawValue, key.id]
            )
        else { return nil }
        let state =
            try cache?.state(of: key, seq: row["seq"]) ?? CanonicalJSON.decode(RecordState.self, from: row["state"])
        var entry = Entry(
            state: state,
            scope: GridScope(row: row),
            hadConflicts: state.registers.values.contains { $0.count > 1 }
        )
        entry.stored = (row["gridId"], UInt64(bitPattern: row["digest"] as Int64))
        if key.type == .incident {
            entry.assigned = try String.fetchAll(
                db.cachedStatement(sql: "SELECT node FROM assignment WHERE type = ? AND id = ? ORDER BY node"),
                arguments: [key.type.rawValue, key.id]
            )
        }
        return entry
    }

    private mutating func append(_ operation: SyncOperation, to entry: inout Entry) throws {
        try GridWrites.record(operation, before: entry.state, db)
        entry.state.apply(operation)
        entry.dirty = true
        let scope = entry.scope.ancestors
        try db.cachedStatement(sql: Statements.appendOperation).execute(arguments: [
            operation.dot.replica.rawValue, Int64(operation.dot.counter), scope[0], scope[1], scope[2], scope[3],
            CanonicalJSON.encode(operation), Int64(now),
        ])
        lastSeq = db.lastInsertedRowID
        for node in entry.assigned {
            try db.cachedStatement(sql: "INSERT INTO assignedOp(node, seq) VALUES (?, ?)").execute(arguments: [
                node, lastSeq,
            ])
        }
    }

    /// An incident is assigned to the node now holding it when that node lies outside the subtree
    /// the incident started in (a county department, a grid of another village): agents enrolled
    /// there see it, each later operation is filed for the node too, and the node's agents take a
    /// snapshot at their next sync to receive the history. The assignment ends when the incident
    /// leaves the node: the operation that moves it away is the last one filed for it.
    private mutating func followAssignment(of entry: inout Entry) throws {
        guard entry.state.type == .incident, let incident = IncidentState(record: entry.state) else { return }
        let holder = incident.responsibleNode
        for node in entry.assigned where node != holder {
            try db.execute(
                sql: "DELETE FROM assignment WHERE node = ? AND type = ? AND id = ?",
                arguments: [node, entry.state.type.rawValue, entry.state.id]
            )
        }
        entry.assigned.removeAll { $0 != holder }
        guard !entry.assigned.contains(holder), !entry.scope.ancestors.contains(holder),
            let scope = try GridScope.fetch(db, gridId: holder),
            scope.ancestors.contains(where: { $0 != nil })  // the county sees everything
        else { return }
        try db.execute(
            sql: "INSERT INTO assignment(node, type, id, since) VALUES (?, ?, ?, ?)",
            arguments: [holder, entry.state.type.rawValue, entry.state.id, Int64(now)]
        )
        try db.execute(sql: "INSERT INTO assignedOp(node, seq) VALUES (?, ?)", arguments: [holder, lastSeq])
        entry.assigned.append(holder)
        try db.execute(
            sql:
                "UPDATE agent SET resyncRequestedAt = ?, resyncReason = ? WHERE gridId = ? AND revokedAt IS NULL AND resyncRequestedAt IS NULL",
            arguments: [Int64(now), "incident \(entry.state.id) was sent to \(holder)", holder]
        )
    }

    private mutating func saveRecord(_ key: RecordKey, _ entry: Entry) throws {
        if key.type == .incident {
            // The deadline sweep's index: an incident is in it until it is closed or cancelled.
            let open = IncidentState(record: entry.state)?.status.isOpen ?? true
            try db.cachedStatement(sql: open ? Statements.markOpen : Statements.markClosed).execute(arguments: [key.id])
        }
        let scope = entry.scope.recordColumns
        let state = CanonicalJSON.encode(entry.state)
        let digest = ScopeDigest.of(state: state)
        try db.cachedStatement(sql: Statements.saveRecord).execute(arguments: [
            key.type.rawValue, key.id, entry.scope.gridId, scope[0], scope[1], scope[2], scope[3], state, lastSeq,
            GridDigests.column(digest),
        ])
        digestChanges.record(from: entry.stored, to: entry.scope.gridId, digest: digest)
        if entry.moved {
            // Only a move rewrites the scope columns: SQLite updates an index whenever its columns are assigned.
            try db.execute(
                sql: "UPDATE record SET gridId = ?, g1 = ?, g2 = ?, g3 = ?, g4 = ? WHERE type = ? AND id = ?",
                arguments: [entry.scope.gridId, scope[0], scope[1], scope[2], scope[3], key.type.rawValue, key.id]
            )
        }
        for from in entry.moves {
            let old = from.scope.recordColumns
            try db.execute(
                sql:
                    "INSERT INTO recordMove(seq, type, id, g1, g2, g3, g4, replica, counter) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    from.seq, key.type.rawValue, key.id, old[0], old[1], old[2], old[3], from.dot.replica.rawValue,
                    Int64(from.dot.counter),
                ]
            )
        }
    }

    /// Keeps the `conflict` index in step with the record; returns how many conflicts are new.
    private func saveConflicts(of state: RecordState) throws -> Int {
        let fields = state.conflicts.map(\.field)
        let existing = try String.fetchSet(
            db,
            sql: "SELECT field FROM conflict WHERE type = ? AND recordId = ?",
            arguments: [state.type.rawValue, state.id]
        )
        for field in existing.subtracting(fields) {
            try db.execute(
                sql: "DELETE FROM conflict WHERE type = ? AND recordId = ? AND field = ?",
                arguments: [state.type.rawValue, state.id, field]
            )
        }
        let opened = Set(fields).subtracting(existing)
        for field in opened {
            try db.execute(
                sql: "INSERT INTO conflict(type, recordId, field, since) VALUES (?, ?, ?, ?)",
                arguments: [state.type.rawValue, state.id, field, Int64(now)]
            )
        }
        return opened.count
    }

    // MARK: Server operations

    private mutating func nextServerCounter() throws -> UInt64 {
        let current =
            try serverCounter
            ?? UInt64(Int64.fetchOne(db, sql: "SELECT value FROM serverState WHERE key = 'serverCounter'") ?? 0)
        serverCounter = current + 1
        return current + 1
    }

    /// Gives a newly reported incident its registry number (挂号), as a server event.
    private mutating func register(_ incident: RecordKey) throws {
        let day = CountyTime.date(atMilliseconds: now)
        let dayKey = day.description.replacingOccurrences(of: "-", with: "")
        let number =
            try Int64.fetchOne(
                db,
                sql:
                    "INSERT INTO registryCounter(day, last) VALUES (?, 1) ON CONFLICT(day) DO UPDATE SET last = last + 1 RETURNING last",
                arguments: [dayKey]
            ) ?? 1
        let registryNumber = "\(rules.registryPrefix)-\(dayKey)-\(String(format: "%06lld", number))"
        // The register event carries the grid's allowance, so agents that do not hold the grid
        // (a department the incident is sent to later) count its first deadline the same way.
        let origin = try records[incident].flatMap { entry in
            try Row.fetchOne(db, sql: "SELECT * FROM gridNode WHERE id = ?", arguments: [entry.scope.gridId])
        }.map(GridNode.init(row:))
        try author(
            .event(
                IncidentEvent(action: .register, registryNumber: registryNumber, days: origin?.workingDaysAllowed)
            ),
            on: incident
        )
        registered += 1
    }
}

extension MergeBatch {
    /// The statements every agent batch runs, named so the ingest benchmark can time them alone.
    package enum Statements {
        package static let acknowledged =
            "SELECT acknowledgedThrough, lastHlcMilliseconds, lastHlcLogical FROM agent WHERE replica = ?"
        package static let loadRecord =
            "SELECT seq, gridId, g1, g2, g3, g4, state, digest FROM record WHERE type = ? AND id = ?"
        package static let appendOperation =
            "INSERT INTO oplog(replica, counter, g1, g2, g3, g4, body, receivedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        package static let saveRecord = """
            INSERT INTO record(type, id, gridId, g1, g2, g3, g4, state, seq, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(type, id) DO UPDATE SET state = excluded.state, seq = excluded.seq, digest = excluded.digest
            """
        package static let setAsideOfAgent = "SELECT type, recordId, counter FROM setAside WHERE replica = ?"
        static let setAsideNotices =
            "SELECT counter, code, message, messageZh FROM setAside WHERE replica = ? AND counter BETWEEN ? AND ? ORDER BY counter"
        static let markOpen = "INSERT OR IGNORE INTO openIncident(id) VALUES (?)"
        static let markClosed = "DELETE FROM openIncident WHERE id = ?"
        package static let progress = """
            UPDATE agent SET acknowledgedThrough = ?, lastHlcMilliseconds = ?, lastHlcLogical = ?, lastSyncAt = ?,
                cursor = COALESCE(?, cursor) WHERE replica = ?
            """
    }
}
