import Foundation
import Shared

/// What one `sync` did, for its one-line summary.
package struct SyncSummary: Sendable, Equatable, Encodable {
    package var pushed = 0
    package var pulled = 0
    /// Records with concurrent values in some field after the sync.
    package var conflicts = 0
    /// Records stored by a snapshot taken during the sync (0 without one).
    package var snapshotRecords = 0
    var requests = 0
    /// Unsent edits whose time was ahead of the laptop's clock, stamped again before sending.
    package var restamped = 0
    /// Edits the server set aside in this sync (undone here; `field-agent set-aside list` says why).
    package var setAside = 0
    /// Pulled changes of a newer server release this laptop cannot read yet, kept for after an upgrade.
    package var unreadable = 0
    /// Acknowledged edits sent again because the county's store was restored from an older backup.
    package var resent = 0
    /// Records fetched again because this laptop's copy of their grid differed from the county's.
    package var repaired = 0
    /// Whether the replica was found equal to the county's store at the end of this sync.
    var verified = false
    /// The laptop's clock minus the server's, when it is off by more than the warning threshold.
    package var clockOffsetMilliseconds: Int64?
}

/// Runs the sync protocol for one replica: a snapshot when one is needed, then exchanges until the
/// outbox is acknowledged and nothing more waits on the server (protocol/README.md, "The sync exchange").
package struct Synchronizer {
    let database: AgentDatabase
    let client: ServerClient
    let progress: any SyncProgress
    /// The laptop's clock, in milliseconds since 1970.
    var now: () -> UInt64

    package init(
        database: AgentDatabase,
        client: ServerClient,
        progress: any SyncProgress,
        now: @escaping () -> UInt64 = WallClock.nowMilliseconds
    ) {
        self.database = database
        self.client = client
        self.progress = progress
        self.now = now
    }

    /// Operations sent in one exchange; a big day's outbox goes up in several.
    static let batchLimit = 1000
    /// A laptop clock further than this from the server's earns a warning.
    static let clockWarning: Int64 = 2 * 60 * 1000

    /// Pushes the outbox and pulls everything new, taking a snapshot first when one is needed.
    package func sync() throws -> SyncSummary {
        defer { progress.finish() }  // the summary starts on a line of its own
        var summary = SyncSummary()
        do {
            let state = try database.replicaState()
            guard state.copiedFrom == nil || state.previousReplica != nil else { throw AgentError.copiedReplica }
            summary.restamped = try database.restampOutbox(now: now())
            try database.readKeptOperations()
            if try database.replicaState().snapshotNeeded { summary.snapshotRecords = try snapshot() }
            try repairSetAsideRecords()
            let digest = try exchangeUntilDone(&summary)
            if let digest { try verify(against: digest, &summary) }
            try database.recordSuccess(at: now())
        } catch {
            try? database.recordFailure(Self.describe(error), at: now())
            throw error
        }
        summary.conflicts = try database.conflictedRecordCount()
        summary.unreadable = try database.unreadableCount()
        summary.requests = client.requests
        let offset = try database.replicaState().clockOffsetMilliseconds ?? 0
        if abs(offset) > Self.clockWarning { summary.clockOffsetMilliseconds = offset }
        return summary
    }

    /// Exchanges until nothing is left to send or pull; returns the server's digest of the scope
    /// from the last answer.
    private func exchangeUntilDone(_ summary: inout SyncSummary) throws -> ScopeDigest? {
        var resyncs = 0
        // A county may take fewer operations per exchange than the agent sends (its
        // `sync.maxBatchOperations`, or a body limit): a batch refused as too large is halved.
        var limit = Self.batchLimit
        while true {
            let replica = try database.replicaState()
            let operations = try database.outbox(limit: limit)
            let request = SyncRequest(
                batchId:
                    "\(replica.replica.rawValue)-\(operations.last?.dot.counter ?? replica.acknowledged)-\(replica.cursor)",
                cursor: replica.cursor,
                operations: operations,
                store: replica.store,
                recovered: replica.recovery
            )
            let response: SyncResponse
            do {
                response = try client.exchange(request)
            } catch let refusal as ServerRefusal where refusal.code == .storeRolledBack {
                // The county's store went back to an older backup: send again what it lost.
                resyncs += 1
                guard resyncs <= 3 else { throw AgentError.resyncLoop }
                let resend = try database.resend(from: refusal.body.dots?.first?.counter ?? 1)
                summary.resent += resend.resent
                guard resend.lost == 0 else {
                    // What follows the gap cannot go under this identity: report, then enroll again.
                    try reportRecovery()
                    throw AgentError.copiedReplica
                }
                summary.snapshotRecords += try snapshot()
                continue
            } catch let refusal as ServerRefusal where refusal.code == .replicaCopied {
                try database.markCopied(from: refusal.body.dots?.first?.counter ?? replica.acknowledged + 1)
                throw AgentError.copiedReplica
            } catch let refusal as ServerRefusal where refusal.code == .payloadTooLarge && operations.count > 1 {
                limit = operations.count / 2
                continue
            } catch let refusal as ServerRefusal
                where refusal.code == .missingDependency
                && (refusal.body.dots?.first?.counter ?? 0) > (operations.first?.dot.counter ?? .max)
            {
                // An operation waits for one the store lacks (after a restore from an older backup,
                // another laptop's edit it had pulled): the ones before it go up alone. Sending
                // the whole outbox again and again, two laptops that each hold what the other's
                // waiting edit needs would wait for each other for ever.
                let waiting = refusal.body.dots?.first?.counter ?? 0
                limit = Int(waiting - operations[0].dot.counter)
                continue
            } catch let refusal as ServerRefusal where refusal.code == .resyncRequired {
                // The server asks for a fresh snapshot (an operator, compaction, a record moving in).
                resyncs += 1
                guard resyncs <= 3 else { throw AgentError.resyncLoop }
                try database.requireSnapshot()
                summary.snapshotRecords += try snapshot()
                continue
            }
            // The server holds more of this laptop than it ever wrote: an older image of itself.
            guard response.acknowledgedThrough <= replica.counter else {
                try database.markCopied(from: replica.counter + 1)
                throw AgentError.copiedReplica
            }
            let outcome = try database.commit(response, now: now())
            summary.setAside += response.setAside?.count ?? 0
            try repairSetAsideRecords()
            summary.pushed += outcome.acknowledged - (response.setAside?.count ?? 0)
            summary.pulled += outcome.applied
            progress.update(
                LocalizedText(
                    "Synced: \(summary.pushed) up, \(summary.pulled) down",
                    zh: "同步中：已上传 \(summary.pushed) 条，已下载 \(summary.pulled) 条"
                ),
                done: nil,
                total: nil
            )
            if !response.hasMore && operations.count < limit { return response.digest.flatMap(ScopeDigest.init(text:)) }
        }
    }

    /// The most grids repaired one by one; past this, a laptop takes a fresh snapshot instead.
    static let gridRepairLimit = 32

    /// Compares this laptop's digest of its scope with the server's; on a difference, finds the
    /// grids that differ and fetches them again (protocol/README.md, "Verification").
    private func verify(against digest: ScopeDigest, _ summary: inout SyncSummary) throws {
        guard try database.isSettled() else { return }  // the server's digest is not of this state yet
        var own = try database.gridDigests()
        if ScopeDigest(combining: own.values) != digest {
            let server = Dictionary(
                try client.gridDigests().compactMap { grid in ScopeDigest(text: grid.digest).map { (grid.id, $0) } }
            ) { first, _ in first }
            let differing = Set(server.keys).union(own.keys).filter { server[$0] != own[$0] }.sorted()
            if differing.count > Self.gridRepairLimit {
                try database.requireSnapshot()
                summary.repaired += try snapshot()
            } else {
                for grid in differing {
                    var states: [RecordState] = []
                    var after: String?
                    repeat {
                        let page = try client.records(inGrid: grid, after: after)
                        states += page.records
                        after = page.nextAfter
                    } while after != nil
                    guard let changed = try database.replaceGrid(grid, with: states) else { return }
                    summary.repaired += changed
                }
            }
            own = try database.gridDigests()
            guard
                ScopeDigest(combining: own.values)
                    == ScopeDigest(combining: server.values)
            else { return }  // written to meanwhile; the next sync verifies again
        }
        try database.markVerified(at: now())
        summary.verified = true
    }

    /// Tells the server what this laptop sent again and lost, in an exchange of no operations.
    private func reportRecovery() throws {
        let replica = try database.replicaState()
        guard let recovery = replica.recovery else { return }
        _ = try client.exchange(
            SyncRequest(
                batchId: "\(replica.replica.rawValue)-\(replica.acknowledged)-\(replica.cursor)-recovered",
                cursor: replica.cursor,
                operations: [],
                recovered: recovery
            )
        )
        try database.recoveryReported()
    }

    /// Rebuilds the records whose operations the server set aside, from its current state of them.
    private func repairSetAsideRecords() throws {
        let keys = try database.recordsToRepair()
        guard !keys.isEmpty else { return }
        var states: [RecordState] = []
        for start in stride(from: 0, to: keys.count, by: RecordsRequest.maxKeys) {
            states += try client.records(Array(keys[start..<min(start + RecordsRequest.maxKeys, keys.count)]))
        }
        try database.repair(with: states)
    }

    /// `resync`: a fresh snapshot now, recorded in `status` like a sync.
    ///
    /// - Returns: the number of records the snapshot held.
    package func resync() throws -> Int {
        defer { progress.finish() }
        do {
            try database.requireSnapshot()
            let records = try snapshot()
            try database.recordSuccess(at: now())
            return records
        } catch {
            try? database.recordFailure(Self.describe(error), at: now())
            throw error
        }
    }

    /// Replaces the replica with a fresh snapshot of the scope, then replays the outbox on top.
    ///
    /// - Returns: the number of records the snapshot held.
    @discardableResult
    func snapshot() throws -> Int {
        let first = try client.snapshotPage(after: nil)
        return try database.storeSnapshot(first: first, next: client.snapshotPage(after:)) { stored in
            progress.update(
                LocalizedText("Downloading your area: \(stored) records", zh: "正在下载辖区数据：\(stored) 条记录"),
                done: stored,
                total: first.recordCount
            )
        }
    }

    /// The failure as `status` shows it: a stable code and one sentence in each language.
    static func describe(_ error: any Error) -> (code: String, message: LocalizedText) {
        switch error {
        case let refusal as ServerRefusal: (refusal.code.rawValue, refusal.message)
        case let transport as TransportError: ("network", transport.message)
        case let coded as any CodedError: (coded.code.rawValue, coded.message)
        default: ("internal_error", LocalizedText("\(error)", zh: "\(error)"))
        }
    }
}
