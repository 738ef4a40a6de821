package import Foundation
package import Shared

/// The facts the tests check about a store, answered by every engine: what the log, the records,
/// the indexes beside them, the counters and the audit trail hold, not how they are kept.
///
/// The server tests drive a store through ``SyncStore`` and check its contents through these
/// verbs, so one test suite runs against every engine (SQLite today, PostgreSQL next); only the
/// SQLite engine's own tests read its tables. An operator's diagnostics can ask the same. Each
/// answer is read in one transaction; nothing here is on the exchange path.
package protocol StoreInspection: Sendable {
    // MARK: The log and the records

    /// Every operation in the log, in sequence order, with the bytes as stored.
    func loggedOperations() async throws -> [LoggedOperation]
    /// Every record as stored, in the order a snapshot pages them (by grid ancestry, then type and id).
    func storedRecords() async throws -> [StoredRecord]
    /// The merged state of one record as stored, or nil when the store holds none.
    func storedRecord(_ key: RecordKey) async throws -> RecordState?
    /// Each grid's ``ScopeDigest``, as kept for the digest endpoint, by grid id (a grid may be
    /// missing or zero when it holds no records).
    func keptGridDigests() async throws -> [String: UInt64]
    /// The dots of the operations compaction dropped whose digests the store keeps, to tell a
    /// retry from a copied laptop's operation.
    func compactedDots() async throws -> [Dot]

    // MARK: What the exchanges keep beside the records

    /// The fields the store has marked as in conflict, by record and field; ``SyncStore/conflicts()``
    /// lists those whose state still shows the conflict.
    func conflictMarks() async throws -> [ConflictMark]
    /// The incidents sent to a node outside the subtree they started in.
    func assignments() async throws -> [Assignment]
    /// The ids of the incidents the deadline sweep reads: the open ones.
    func sweptIncidents() async throws -> [String]
    /// The newest clock reading the agent's operations carried (an older one is refused); nil for
    /// an unknown replica.
    func lastClockReading(of replica: ReplicaID) async throws -> HLCTimestamp?
    /// The last registry number issued, by county day (`2026-11-29`).
    func registryCounters() async throws -> [String: UInt64]
    /// The audit trail, oldest first.
    func auditTrail() async throws -> [AuditEntry]

    // MARK: The whole store

    /// A summary of everything an exchange writes, cheap enough to take before and after each of
    /// thousands of requests, to show that a refused one changed nothing.
    func storeDigest() async throws -> StoreDigest
    /// What the engine's own check of its storage finds wrong; empty when the store is sound.
    func integrityProblems() async throws -> [String]

    // MARK: Setting up

    /// Clears the agent's pending snapshot as if it had taken one, so a test's agent can sync at
    /// once; not audited, and not for a real laptop, which must take the snapshot.
    func markSnapshotTaken(by replica: ReplicaID) async throws
}

/// One operation of the log: its place, its dot, and the canonical bytes its author sent.
package struct LoggedOperation: Sendable, Equatable {
    package let seq: UInt64
    package let dot: Dot
    package let body: Data
}

/// One record as the store holds it: where it is filed, its state's bytes, and what it
/// contributes to its grid's digest.
package struct StoredRecord: Sendable, Equatable {
    package let key: RecordKey
    /// The grid the record stands in, and that grid's ancestors at levels 1–4 (itself at its own
    /// level, nil below it): the scope an agent's pulls and snapshots find it by.
    package let gridId: String
    package let ancestors: [String?]
    /// The sequence number of the record's last write.
    package let seq: UInt64
    package let state: Data
    /// The record's ``ScopeDigest`` contribution, as kept.
    package let digest: UInt64
}

/// A field the store has marked as in conflict.
package struct ConflictMark: Sendable, Equatable {
    package let record: RecordKey
    package let field: String
}

/// An incident sent to `node`, whose agents see it though it is outside their subtree.
package struct Assignment: Sendable, Equatable {
    package let node: String
    package let record: RecordKey
}

/// One line of the audit trail: who did what to which agent, batch or record, and why.
package struct AuditEntry: Sendable, Equatable {
    package let at: UInt64
    package let actor: String
    package let action: String
    package let subject: String?
    package let detail: String?
}

/// Counts, sums and standings that change with anything an exchange writes; the engine chooses
/// them, so only two digests of the same store are compared.
package struct StoreDigest: Sendable, Equatable {
    /// Each agent's standing: acknowledgement, cursor, newest clock reading, last sync, pending
    /// resync. A retried batch changes only these.
    package let agents: [String]
    /// Everything else an exchange writes: the log, the records, conflicts, assignments, record
    /// moves, the audit trail, the registry and server counters.
    package let contents: [String]
}
