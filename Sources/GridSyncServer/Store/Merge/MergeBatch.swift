import Foundation
import RecordDigest
import Shared

/// One write transaction's worth of merging: operations applied to records, appended to the
/// operation log, and the touched records saved once at the end.
///
/// Agents' batches and the server's own operations (registrations, operator resolutions) go
/// through here alike, so the invariants live in one place: every stored operation is in the
/// log exactly once, in causal order per record, and every record row holds the merge of its log.
/// A batch that throws is finished: its caller rolls its transaction or savepoint back and drops it.
///
/// The batch is the server's ``ReplicaStore``: ``ReplicaEngine`` builds the server's operations
/// and decides when an agent's applies, as it does on the laptops. The server holds nothing back
/// (an operation whose causes it lacks refuses the batch), its outbox is the log, and it judges
/// each agent's operation on the record as stored before it applies (``admit(_:to:)``).
///
/// The rules are written here once, above the engines, over `Storage`, the verbs of one engine's
/// transaction (``MergeStorage``). Generic rather than over `any MergeStorage`, so the release
/// build specializes the batch for each engine within the module: no witness-table call per verb.
struct MergeBatch<Storage: MergeStorage> {
    private let storage: Storage
    private let agent: EnrolledAgent?
    private let now: UInt64
    private let rules: ExchangeRules
    /// The records the batch has read or written: each one's state, where it stands, and what
    /// saving it must change. One dictionary, since every lookup hashes a 36-character id.
    private var places: [RecordKey: Place] = [:]
    /// Whether the operation last admitted creates its record.
    private var admitsNewRecord = false
    private var serverCounter: UInt64?
    private var serverClock = HybridLogicalClock()
    private(set) var acknowledgedThrough: UInt64
    /// The agent's newest stored HLC reading; each of its operations must be stamped later.
    private var lastHLC: HLCTimestamp = .zero
    /// The grid tree as this transaction reads it: the role table's questions and records' scopes.
    private let grids: StoredGridPlacement<Storage>
    private(set) var stored = 0
    /// Operations of this batch acknowledged as set aside.
    private(set) var setAsideCount = 0
    /// The agent's set-aside counters by record, read when first needed.
    private var setAsideByRecord: [RecordKey: [UInt64]]?
    private(set) var registered = 0
    private var lastSeq: Int64 = 0
    /// What the saved records change in their grids' digests, written once in ``finish(batchId:cursor:)``.
    private var digestChanges = GridDigestChanges()
    /// The records written by ``finish(batchId:cursor:)``, for the cache once the transaction commits.
    private(set) var saved: [SavedRecord] = []

    private struct Place {
        /// Nil while the engine holds it (``takeRecord(_:)``), and for a record being created.
        var state: RecordState?
        var scope: GridScope
        /// Whether the stored row had conflicts, so saving knows if the conflict index may need a change.
        var hadConflicts = false
        var dirty = false
        /// Where the record stood before each move in this batch, with the move's sequence number
        /// and dot (``recordMove``): snapshots page by where records stood when they started.
        var moves: [(seq: Int64, scope: GridScope, dot: Dot)] = []
        /// Whether a write of this batch moved the record to another grid.
        var moved: Bool { !moves.isEmpty }
        /// Nodes outside the record's subtree that an incident was sent to (``assign(_:to:)``).
        var assigned: [String] = []
        /// The stored row's grid and digest contribution; nil for a record this batch creates.
        var stored: (grid: String, digest: UInt64)?

        /// Takes back the record from the engine.
        mutating func put(_ record: RecordState, changed: Bool) {
            state = record
            if changed { dirty = true }
        }
    }

    /// A batch over `storage`, one transaction's, for `agent`'s operations, or for the server's
    /// own when `agent` is nil.
    init(over storage: Storage, agent: EnrolledAgent?, now: UInt64, rules: ExchangeRules) throws {
        self.storage = storage
        self.agent = agent
        self.now = now
        self.rules = rules
        grids = StoredGridPlacement(storage)
        acknowledgedThrough = 0
        if let agent, let progress = try storage.progress(of: agent.replica) {
            acknowledgedThrough = progress.acknowledgedThrough
            lastHLC = progress.lastHLC
        }
    }

    /// Stores one of the agent's operations: the next counter in line, in scope, causally ready.
    ///
    /// An operation an honest agent may send without being able to know better (a resident of a
    /// household that moved to another village meanwhile, or one that builds on such an
    /// operation) is set aside instead: acknowledged, kept in `setAside` for an operator, and
    /// named in ``setAside``, while the rest of the batch is stored. Anything else refuses the batch.
    /// `body` is the operation's canonical JSON (``CheckedExchange/bodies``).
    mutating func store(_ operation: SyncOperation, body: Data) throws {
        guard let agent, operation.dot.counter == acknowledgedThrough + 1 else {
            throw ExchangeError.missingDependency(operation.dot)
        }
        // The agent's readings rise, set aside or not.
        guard operation.hlc > lastHLC else { throw ExchangeError.clockWentBack(operation.dot) }
        do {
            try merge(operation, body: body, by: agent)
        } catch let error as ExchangeError where error.setsAside {
            try setAside(operation, body: body, because: error, by: agent)
        }
        acknowledgedThrough = operation.dot.counter
        lastHLC = operation.hlc
    }

    private mutating func merge(_ operation: SyncOperation, body: Data, by agent: EnrolledAgent) throws {
        if let earlier = try setAsideDot(under: operation, by: agent) {
            throw ExchangeError.dependsOnSetAside(operation.dot, earlier)
        }
        // What the author had seen comes first: scope is judged by it (``isInScope``), and after a
        // restore from an older backup the store may lack some of it (a move back into the
        // author's grid, sent again later by its author), which the operation waits for: ``hold``
        // refuses the batch. A dot the record has already is not this agent's next one.
        guard try ReplicaEngine.receive(operation, in: &self) == 1 else {
            throw ExchangeError.missingDependency(operation.dot)
        }
        let key = operation.record
        try appendToLog(operation, body: body)
        try followAssignment(of: key)
        try followMove(of: key, by: operation, agent: agent)
        stored += 1
        if admitsNewRecord && operation.type == .incident { try register(key) }
    }

    /// One of the agent's set-aside operations on the same record that `operation`'s context
    /// covers: the server does not have what the operation builds on.
    private mutating func setAsideDot(under operation: SyncOperation, by agent: EnrolledAgent) throws -> Dot? {
        guard operation.context[agent.replica] > 0 else { return nil }
        if setAsideByRecord == nil {
            setAsideByRecord = try storage.setAsideCounters(of: agent.replica)
        }
        return setAsideByRecord?[operation.record]?.map { Dot(replica: agent.replica, counter: $0) }
            .first { operation.context.covers($0) }
    }

    /// Keeps the operation for an operator and acknowledges it as set aside.
    private mutating func setAside(
        _ operation: SyncOperation,
        body: Data,
        because error: ExchangeError,
        by agent: EnrolledAgent
    ) throws {
        try storage.insertSetAside(operation, of: agent.replica, body: body, because: error, now: now)
        setAsideByRecord?[operation.record, default: []].append(operation.dot.counter)
        setAsideCount += 1
    }

    /// Whether the record lies in the agent's scope, judged by what the operation's author had
    /// seen: a household moved out of a group while its worker edited it offline is still the
    /// group's for that edit, which merges as concurrent with the move and reaches the new grid.
    ///
    /// Where it stood for the author is the `gridId` its context saw (``GridWrites``), not the
    /// order moves arrived in, which a restore from an older backup changes.
    private func isInScope(
        _ record: RecordState,
        at place: Place,
        as operation: SyncOperation,
        sees agent: EnrolledAgent
    ) throws -> Bool {
        if place.scope.isVisible(to: agent) || place.assigned.contains(agent.gridId) { return true }
        // An incident its author held when it acted, taken back since (the assignment ended).
        if let seen = IncidentState(record: record, seenBy: operation.context),
            seen.responsibleNode == agent.gridId
        {
            return true
        }
        guard let grid = try GridWrites.grid(of: operation.record, seenBy: operation.context, storage),
            let stood = try grids.scope(of: grid)
        else { return false }
        return stood.isVisible(to: agent)
    }

    /// The rules that depend on the record as stored: records are created once, a resident's
    /// household lies in the agent's scope, a record moves only to a group the agent sees, and an
    /// incident step belongs to the agent's node (the role table, judged on the incident as the
    /// agent saw it).
    private mutating func checkWrite(_ operation: SyncOperation, on record: RecordState, by agent: EnrolledAgent) throws
    {
        switch operation.payload {
        case .create(let fields), .log(let fields):
            guard record.clock.isEmpty else { throw ExchangeError.alreadyExists(operation.dot, operation.record) }
            try checkHousehold(in: fields, of: operation, by: agent)
        case .set(let fields):
            try checkHousehold(in: fields, of: operation, by: agent)
            if let grid = fields["gridId"]?.stringValue {
                guard let written = try grids.scope(of: grid) else {
                    throw ExchangeError.unknownGrid(grid, dot: operation.dot)
                }
                guard written.isVisible(to: agent) else {
                    throw ExchangeError.outOfScope(operation.dot, agentGrid: agent.gridId)
                }
                try Self.checkHome(of: operation, in: written)
            }
        case .event(let event):
            guard let seen = IncidentState(record: record, seenBy: operation.context) else { return }
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
        guard try places[key] != nil || keepExisting(key), let household = places[key] else {
            // One this agent created in an operation set aside: what it could not know, set aside too.
            if try storage.setAsideCount(of: agent.replica, on: key) > 0 {
                throw ExchangeError.noHousehold(operation.dot, id, agentGrid: agent.gridId).settingAside()
            }
            // One the store never had is what a forged client names, or an honest one after the
            // store was restored from an older backup that lacks it: the resident waits, as an
            // edit of a record the store lost does, until the household's author sends it again.
            throw ExchangeError.missingDependency(operation.dot)
        }
        guard household.scope.isVisible(to: agent) else {
            // It left the agent's scope (a move to another village) after the agent last saw it.
            throw ExchangeError.noHousehold(operation.dot, id, agentGrid: agent.gridId).settingAside()
        }
    }

    /// When a write moves a record to another grid (a household moving house), its row follows:
    /// later operations are filed under the new grid. The move itself stays filed under the old
    /// grid, so the old grid's agents see it leave. Agents that see the new grid but not the old
    /// one never had the record's history, so they take a fresh snapshot at their next sync.
    private mutating func followMove(of key: RecordKey, by operation: SyncOperation, agent: EnrolledAgent) throws {
        guard case .set(let fields) = operation.payload, fields["gridId"] != nil, var place = places[key],
            let visible = place.state?.visibleValue(of: "gridId")?.stringValue,
            visible != place.scope.gridId, let target = try grids.scope(of: visible)
        else { return }
        let previous = place.scope
        place.scope = target
        place.moves.append((lastSeq, previous, operation.dot))
        places[key] = place
        let candidates = try storage.agentsNotAskedToResync()
        for other in candidates where target.isVisible(to: other) && !previous.isVisible(to: other) {
            try storage.requestResync(
                of: other.replica,
                reason: "\(operation.type.rawValue) \(operation.id) moved into grid \(visible)",
                now: now
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
    ///
    /// A `create` or `log` may also bring a record the store does not have (an operator applying
    /// a set-aside creation).
    @discardableResult
    mutating func author(_ payload: SyncOperation.Payload, on record: RecordKey) throws -> SyncOperation {
        if places[record] == nil, try !keepExisting(record) {
            guard let place = try newPlace(record, payload) else {
                throw ExchangeError(
                    code: .notFound,
                    message: LocalizedText(
                        "There is no \(record.type.rawValue) \(record.id).",
                        zh: "不存在 \(record.type.rawValue) \(record.id)。"
                    )
                )
            }
            places[record] = place
        }
        let storage = storage
        let operation = try ReplicaEngine.author([payload], on: record, now: now, in: &self) { operation, before in
            try GridWrites.record(operation, before: before ?? RecordState(type: record.type, id: record.id), storage)
        }[0]
        try followAssignment(of: record)
        return operation
    }

    /// The set-aside notices for the agent's operations with counters in `counters`: those of
    /// this batch and those of a retried one, so an agent whose answer was lost still learns.
    func setAsideNotices(in counters: ClosedRange<UInt64>) throws -> [SetAsideNotice] {
        guard let agent else { return [] }
        return try storage.setAsideNotices(of: agent.replica, in: counters)
    }

    /// Saves every touched record, its conflicts, the server counter and the agent's progress.
    ///
    /// - Returns: how many conflicts the batch opened.
    mutating func finish(batchId: String?, cursor: UInt64?) throws -> Int {
        var opened = 0
        for (key, place) in places where place.dirty {
            guard let state = place.state else { continue }
            try saveRecord(state, at: place)
            saved.append((key, lastSeq, state))
            if place.hadConflicts || state.registers.values.contains(where: { $0.count > 1 }) {
                opened += try saveConflicts(of: state)
            }
        }
        try storage.applyDigestChanges(digestChanges)
        if let serverCounter { try storage.saveServerCounter(serverCounter) }
        if let agent {
            try storage.saveProgress(
                of: agent.replica,
                acknowledgedThrough: acknowledgedThrough,
                lastHLC: lastHLC,
                cursor: cursor,
                now: now
            )
            if stored > 0 || setAsideCount > 0 {
                try storage.audit(
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

    /// Where a record an agent's operation creates will stand: the grid its fields name.
    private func newPlace(for operation: SyncOperation) throws -> Place {
        switch operation.payload {
        case .create(let fields), .log(let fields):
            guard let grid = fields["gridId"]?.stringValue else { throw ExchangeError.missingDependency(operation.dot) }
            guard let scope = try grids.scope(of: grid) else {
                throw ExchangeError.unknownGrid(grid, dot: operation.dot)
            }
            try Self.checkHome(of: operation, in: scope)
            return Place(scope: scope)
        default:
            throw ExchangeError.missingDependency(operation.dot)
        }
    }

    /// Where a record a server `create` or `log` brings will stand; nil for other kinds.
    private func newPlace(_ key: RecordKey, _ payload: SyncOperation.Payload) throws -> Place? {
        switch payload {
        case .create(let fields), .log(let fields):
            guard let grid = fields["gridId"]?.stringValue else { return nil }
            guard let scope = try grids.scope(of: grid) else {
                throw ExchangeError(
                    code: .invalidValue,
                    message: LocalizedText("Grid \(grid) does not exist.", zh: "网格 \(grid) 不存在。")
                )
            }
            return Place(scope: scope)
        default:
            return nil
        }
    }

    /// Reads a stored record into the batch; false when the store has none.
    private mutating func keepExisting(_ key: RecordKey) throws -> Bool {
        guard let place = try loadExisting(key) else { return false }
        places[key] = place
        return true
    }

    private func loadExisting(_ key: RecordKey) throws -> Place? {
        guard let record = try storage.record(key) else { return nil }
        var place = Place(state: record.state, scope: record.scope)
        place.hadConflicts = record.state.registers.values.contains { $0.count > 1 }
        place.stored = (record.scope.gridId, record.digest)
        place.assigned = record.assigned
        return place
    }

    /// Appends an applied operation, whose canonical JSON is `body`, to the log, filed under where
    /// its record stood, and for the nodes the record is assigned to.
    private mutating func appendToLog(_ operation: SyncOperation, body: Data) throws {
        guard let place = places[operation.record] else { preconditionFailure("an operation of a record not read") }
        lastSeq = try storage.appendToLog(operation, body: body, filedUnder: place.scope, now: now)
        for node in place.assigned {
            try storage.file(lastSeq, for: node)
        }
    }

    /// An incident is assigned to the node now holding it when that node lies outside the subtree
    /// the incident started in (a county department, a grid of another village): agents enrolled
    /// there see it, each later operation is filed for the node too, and the node's agents take a
    /// snapshot at their next sync to receive the history. The assignment ends when the incident
    /// leaves the node: the operation that moves it away is the last one filed for it.
    private mutating func followAssignment(of key: RecordKey) throws {
        guard key.type == .incident, var entry = places[key], let state = entry.state,
            let incident = IncidentState(record: state)
        else { return }
        defer { places[key] = entry }
        let holder = incident.responsibleNode
        for node in entry.assigned where node != holder {
            try storage.endAssignment(of: key, to: node)
        }
        entry.assigned.removeAll { $0 != holder }
        guard !entry.assigned.contains(holder), !entry.scope.ancestors.contains(holder),
            let scope = try grids.scope(of: holder),
            scope.ancestors.contains(where: { $0 != nil })  // the county sees everything
        else { return }
        try storage.assign(key, to: holder, now: now)
        try storage.file(lastSeq, for: holder)
        entry.assigned.append(holder)
        try storage.requestResync(ofAgentsAt: holder, reason: "incident \(key.id) was sent to \(holder)", now: now)
    }

    private mutating func saveRecord(_ state: RecordState, at entry: Place) throws {
        let key = state.key
        // The deadline sweep's index: an incident is in it until it is closed or cancelled.
        let open = key.type == .incident ? IncidentState(record: state)?.status.isOpen ?? true : nil
        let encoded = CanonicalJSON.encode(state)
        let digest = ScopeDigest.of(state: encoded)
        try storage.saveRecord(
            key,
            encoded: encoded,
            digest: digest,
            in: entry.scope,
            seq: lastSeq,
            moved: entry.moved,
            openIncident: open
        )
        digestChanges.record(from: entry.stored, to: entry.scope.gridId, digest: digest)
        for from in entry.moves {
            try storage.recordMove(of: key, from: from.scope, seq: from.seq, dot: from.dot)
        }
    }

    /// Keeps the `conflict` index in step with the record; returns how many conflicts are new.
    private func saveConflicts(of state: RecordState) throws -> Int {
        try storage.updateConflicts(of: state.key, to: state.conflicts.map(\.field), now: now)
    }

    // MARK: Server operations

    private mutating func nextServerCounter() throws -> UInt64 {
        let current = try serverCounter ?? storage.serverCounter()
        serverCounter = current + 1
        return current + 1
    }

    /// Gives a newly reported incident its registry number (挂号), as a server event.
    private mutating func register(_ incident: RecordKey) throws {
        let day = CountyTime.date(atMilliseconds: now)
        let dayKey = day.description.replacingOccurrences(of: "-", with: "")
        let number = try storage.nextRegistryNumber(on: dayKey)
        let registryNumber = "\(rules.registryPrefix)-\(dayKey)-\(String(format: "%06lld", number))"
        // The register event carries the grid's allowance, so agents that do not hold the grid
        // (a department the incident is sent to later) count its first deadline the same way.
        let origin = try places[incident].flatMap { entry in try storage.gridNode(entry.scope.gridId) }
        try author(
            .event(
                IncidentEvent(action: .register, registryNumber: registryNumber, days: origin?.workingDaysAllowed)
            ),
            on: incident
        )
        registered += 1
    }
}

extension MergeBatch: ReplicaStore {
    package typealias Failure = any Error

    package var replica: ReplicaID { .server }

    package var clock: HybridLogicalClock {
        get { serverClock }
        set { serverClock = newValue }
    }

    package mutating func nextCounter() throws -> UInt64 { try nextServerCounter() }

    package mutating func takeRecord(_ key: RecordKey) throws -> RecordState? {
        if let state = places[key]?.state.take() { return state }
        guard var place = try loadExisting(key) else { return nil }
        let state = place.state.take()
        places[key] = place
        return state
    }

    package mutating func putRecord(_ record: RecordState, changed: Bool) {
        guard changed || !record.clock.isEmpty else {
            // A record refused at its creation: nothing of it stays for the rest of the batch.
            places[record.key] = nil
            return
        }
        places[record.key]?.put(record, changed: changed)
    }

    package func heldOperations(for key: RecordKey) -> [SyncOperation] { [] }

    /// The server holds nothing back: the agent sends what the operation waits for first.
    package func hold(_ operation: SyncOperation) throws { throw ExchangeError.missingDependency(operation.dot) }

    package func unhold(_ operation: SyncOperation) {}

    package func unholdAll() {}

    /// The server's own operations go straight to the log.
    package mutating func queue(_ operation: SyncOperation) throws {
        try appendToLog(operation, body: CanonicalJSON.encode(operation))
    }

    package func outbox() -> [SyncOperation] { [] }

    /// Judges an agent's operation on the record as stored: scope as its author saw it, a clock
    /// reading after everything its context covers, and the rules of its kind. Nothing is
    /// written before it passes; then its move, if it is one, joins the record's grid history.
    package mutating func admit(_ operation: SyncOperation, to record: RecordState) throws {
        guard let agent else { return }
        let place: Place
        if let known = places[operation.record] {
            place = known
        } else {
            place = try newPlace(for: operation)
            places[operation.record] = place
        }
        guard try isInScope(record, at: place, as: operation, sees: agent) else {
            throw ExchangeError.outOfScope(operation.dot, agentGrid: agent.gridId)
        }
        // Its reading follows everything its context covers: a step backdated before a
        // server event would otherwise fold before it.
        guard operation.hlc > record.latestHLC(seenBy: operation.context) else {
            throw ExchangeError.clockWentBack(operation.dot)
        }
        try checkWrite(operation, on: record, by: agent)
        try GridWrites.record(operation, before: record, storage)
        admitsNewRecord = record.clock.isEmpty
    }
}
