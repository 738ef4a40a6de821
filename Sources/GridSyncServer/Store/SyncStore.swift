package import Foundation
package import Shared

/// The county's store, as the endpoints, the background services and the operator's commands use
/// it: each requirement is one of the server's verbs and keeps the store's invariants on its own,
/// in one transaction.
///
/// The rules that need no stored state are above it (``ExchangeRules/check(_:from:now:)``); the
/// rules that judge an operation against what is stored (scope, moves, registry numbers,
/// assignments) run inside ``exchange(_:)``. `SQLiteStore` is the county's engine; a province's
/// runs on PostgreSQL behind the same verbs, and the server tests drive either through them (and
/// check what each holds through ``StoreInspection``).
package protocol SyncStore: Sendable {
    // MARK: Agents

    /// The unrevoked agent whose bearer token this is, or nil.
    func agent(token: String) async throws -> EnrolledAgent?
    /// Every agent ever enrolled, revoked ones included, by replica id.
    func agents() async throws -> [EnrolledAgent]
    /// Enrolls a laptop for `gridId` (or enrolls the replica id `replica` again, after a restore)
    /// and returns it with its token, which is stored only as a hash.
    func enroll(
        gridId: String,
        name: String?,
        replica: ReplicaID?,
        actor: String,
        now: UInt64
    ) async throws
        -> (EnrolledAgent, token: String)
    /// Makes the agent's next exchange take a fresh snapshot first.
    func requestResync(of replica: ReplicaID, reason: String, actor: String, now: UInt64) async throws
    /// Refuses the agent's token from now on.
    func revoke(_ replica: ReplicaID, reason: String?, actor: String, now: UInt64) async throws

    // MARK: The sync exchange

    /// One exchange: the batch merged and the next page pulled, in one write transaction.
    func exchange(_ exchange: CheckedExchange) async throws -> ExchangeOutcome
    /// One page of the agent's whole scope for a resync.
    func snapshot(
        for agent: EnrolledAgent,
        after: SnapshotPageToken?,
        limit: Int,
        now: UInt64
    ) async throws
        -> SnapshotSlice
    /// The stored states of these records, those in the agent's scope, as canonical JSON.
    func records(_ keys: [RecordKey], for agent: EnrolledAgent) async throws -> [Data]
    /// A page of the records of one grid of the agent's subtree; nil when the grid is not in it.
    func records(
        inGrid grid: String,
        after: RecordKey?,
        limit: Int,
        for agent: EnrolledAgent
    ) async throws
        -> (states: [Data], nextAfter: RecordKey?)?
    /// The digest of each grid of the agent's subtree.
    func gridDigests(for agent: EnrolledAgent) async throws -> [GridDigest]
    /// What laptops reported sending again after a restore.
    func recoveryReport() async throws -> RecoveryReport

    // MARK: The grid tree and the calendar

    func grids() async throws -> [GridNode]
    /// Adds grid nodes, parents before children; the whole list or nothing.
    func addGrids(_ nodes: [GridNode], actor: String, now: UInt64) async throws
    /// Replaces the working-day calendar deadlines are counted on.
    func importCalendar(_ calendar: WorkCalendar, actor: String, now: UInt64) async throws
    /// Loads the Fumeng demo county (grids and people) into an empty store.
    func loadDemoCounty(
        now: UInt64,
        actor: String,
        householdScale: Int,
        withResidents: Bool,
        progress: (Int, Int) -> Void
    ) async throws -> (households: Int, residents: Int)

    // MARK: Review and supervision

    /// Every open conflict, with all its values.
    func conflicts() async throws -> [ConflictView]
    /// Decides a conflict as the county operator, by a server-authored write of `value`.
    func resolveConflict(
        on record: RecordKey,
        field: String,
        value: FieldValue,
        actor: String,
        now: UInt64
    )
        async throws
    /// Operations set aside for the operator (undecided ones, or all).
    func setAsideEntries(all: Bool) async throws -> [SetAsideEntry]
    /// Applies or discards a set-aside operation, audited.
    func decideSetAside(_ id: Int64, apply: Bool, reason: String, actor: String, now: UInt64) async throws
    /// Open incidents with their deadlines and lights.
    func supervisedIncidents(now: UInt64) async throws -> [SupervisedIncident]

    // MARK: Upkeep

    /// Escalates every incident past its deadline as at `asOf`, each in its own transaction.
    func sweepDeadlines(asOf: UInt64, now: UInt64, actor: String) async throws -> [EscalationStep]
    /// Drops operations older than the retention; returns how many.
    func compact(retentionMilliseconds: UInt64, now: UInt64) async throws -> Int
    /// Writes a consistent copy of the store to `path` and starts a new store epoch.
    func backup(to path: String) async throws
}
