import Foundation
import Shared

/// What ``MergeBatch`` reads and writes inside one write transaction: storage verbs, not rules.
///
/// The exchange rules (the next counter in line, scope as the author saw it, set-aside decisions,
/// moves, assignments, registry numbers, the server's own operations) are written once, in
/// ``MergeBatch``, over this protocol, so a second engine (PostgreSQL) brings only its
/// statements. Each engine decides how a verb is done (which statement, which cache, which
/// index), never whether: the rules call each verb in the order the invariants need, and a verb
/// does nothing the rules did not ask for.
///
/// A storage value is a handle on one transaction, made, used and dropped inside it; its verbs do
/// not change the handle (the grid tree's reader keeps a copy). When a verb throws, the rules pass
/// the error on and the caller rolls the transaction back. Times are the batch's `now`, in
/// milliseconds since 1970.
protocol MergeStorage {
    // MARK: Records

    /// The record as stored, or nil when the store has none.
    func record(_ key: RecordKey) throws -> RecordAsStored?

    /// Writes a record's state (`encoded`, its canonical JSON, contributing `digest` to its
    /// grid's digest) as of the log's `seq`, standing in `scope`. `moved` says the record's
    /// scope changed in this batch, so an engine that keeps the scope only on creation rewrites
    /// it. `openIncident` is whether an incident belongs in the index of open incidents the
    /// deadline sweep reads; nil for other records.
    func saveRecord(
        _ key: RecordKey,
        encoded: Data,
        digest: UInt64,
        in scope: GridScope,
        seq: Int64,
        moved: Bool,
        openIncident: Bool?
    ) throws

    /// Writes where a record stood (`scope`) before the move that is the log's `seq`, made by
    /// `dot`: snapshots page by where records stood when they started.
    func recordMove(of key: RecordKey, from scope: GridScope, seq: Int64, dot: Dot) throws

    /// Makes the index of open conflicts on the record hold exactly `fields`, those new since
    /// `now`; returns how many are new.
    func updateConflicts(of key: RecordKey, to fields: [String], now: UInt64) throws -> Int

    /// Adds the changes to the grids' digests.
    func applyDigestChanges(_ changes: GridDigestChanges) throws

    // MARK: The log

    /// Appends an operation (`body` is its canonical JSON) filed under `scope`, where its record
    /// stood; returns the operation's sequence number in the log.
    func appendToLog(_ operation: SyncOperation, body: Data, filedUnder scope: GridScope, now: UInt64) throws -> Int64

    // MARK: Grids

    /// A grid node's level, kind and ancestors, or nil when the grid does not exist.
    func placement(of node: String) throws -> GridNodePlacement?

    /// A grid node as stored, or nil when the grid does not exist.
    func gridNode(_ id: String) throws -> GridNode?

    /// Whether any write of the record's `gridId` is recorded (``GridWrites``).
    func hasGridWrites(of key: RecordKey) throws -> Bool

    /// Every recorded write of the record's `gridId`; empty for a record that never moved.
    func gridWrites(of key: RecordKey) throws -> FieldHistory

    /// Records a write of the record's `gridId`; one recorded already is kept as it is.
    func recordGridWrite(_ write: FieldHistory.Write, of key: RecordKey) throws

    // MARK: Set-aside operations

    /// The counters of `replica`'s set-aside operations, by record.
    func setAsideCounters(of replica: ReplicaID) throws -> [RecordKey: [UInt64]]

    /// How many of `replica`'s operations on the record are set aside.
    func setAsideCount(of replica: ReplicaID, on key: RecordKey) throws -> Int

    /// Keeps an operation of `replica` (`body` is its canonical JSON) for an operator, with why it
    /// was set aside.
    func insertSetAside(
        _ operation: SyncOperation,
        of replica: ReplicaID,
        body: Data,
        because error: ExchangeError,
        now: UInt64
    ) throws

    /// The set-aside notices for `replica`'s operations with counters in `counters`, in counter order.
    func setAsideNotices(of replica: ReplicaID, in counters: ClosedRange<UInt64>) throws -> [SetAsideNotice]

    // MARK: Agents

    /// The agent's acknowledged counter and newest stored clock reading; nil without its row.
    func progress(of replica: ReplicaID) throws -> (acknowledgedThrough: UInt64, lastHLC: HLCTimestamp)?

    /// Writes the agent's progress after a batch, and its pull cursor when `cursor` is not nil.
    func saveProgress(
        of replica: ReplicaID,
        acknowledgedThrough: UInt64,
        lastHLC: HLCTimestamp,
        cursor: UInt64?,
        now: UInt64
    ) throws

    /// The agents not revoked and not yet asked to resync, in the order they are stored.
    func agentsNotAskedToResync() throws -> [EnrolledAgent]

    /// Asks one agent to take a fresh snapshot at its next sync.
    func requestResync(of replica: ReplicaID, reason: String, now: UInt64) throws

    /// Asks every agent enrolled at `node`, not revoked and not yet asked, to take a fresh snapshot.
    func requestResync(ofAgentsAt node: String, reason: String, now: UInt64) throws

    // MARK: Assignments

    /// Assigns the incident to `node` since `now`.
    func assign(_ key: RecordKey, to node: String, now: UInt64) throws

    /// Ends the incident's assignment to `node`.
    func endAssignment(of key: RecordKey, to node: String) throws

    /// Files the log's operation `seq` for `node`, whose agents pull it beside their subtree.
    func file(_ seq: Int64, for node: String) throws

    // MARK: Server

    /// The counter of the server's last operation (0 before its first).
    func serverCounter() throws -> UInt64

    /// Writes the counter of the server's last operation.
    func saveServerCounter(_ counter: UInt64) throws

    /// Takes the next registry number of `day` (`yyyyMMdd`), counting from 1.
    func nextRegistryNumber(on day: String) throws -> Int64

    /// Appends a row to the audit trail.
    func audit(at: UInt64, actor: String, action: String, subject: String?, detail: String?) throws
}

/// A record as a ``MergeStorage`` stores it.
struct RecordAsStored {
    var state: RecordState
    /// Where the record stands; `scope.gridId` is also the grid its stored digest contribution counts in.
    var scope: GridScope
    /// The record's contribution to its grid's digest.
    var digest: UInt64
    /// Nodes outside the record's subtree that an incident was sent to; empty for other records.
    var assigned: [String]
}

/// A record as a transaction left it: its key, the log's `seq` of its last write, and the state.
typealias SavedRecord = (key: RecordKey, seq: Int64, state: RecordState)

/// What the rules need of a grid node: the incident role table's questions and a record's scope.
struct GridNodePlacement {
    let level: Int
    let kind: String
    let ancestors: [String?]
}
