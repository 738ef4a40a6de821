import GRDB
package import Shared

/// Who this laptop is and where its sync stands: the `replica` row.
package struct ReplicaState: Sendable, Equatable {
    package var serverURL: String
    /// The county's own certificate authority, when its server's certificate is not publicly trusted.
    package var caFile: String?
    /// The worker accepted plain http to a server off this machine (`enroll --insecure-http`), so
    /// later syncs go there too; see ``ServerAddress``.
    var insecureHTTP: Bool
    package var replica: ReplicaID
    package var gridId: String
    package var agentName: String
    /// The counter of the last operation authored here; the next one takes the one after.
    var counter: UInt64
    /// Every operation authored here up to this counter is stored on the server.
    package var acknowledged: UInt64
    /// The server sequence up to which pulled operations are committed here.
    package var cursor: UInt64
    var hlc: HLCTimestamp
    /// The clock reading of the newest operation the server acknowledged.
    var acknowledgedHLC: HLCTimestamp
    /// True until a full snapshot of the scope has been stored (after enrollment, on request, or
    /// when the server asks for one); syncing takes the snapshot first.
    package var snapshotNeeded: Bool
    /// Numbers snapshots; rows a finished snapshot did not write are gone from the scope.
    var generation: Int64
    package var lastSyncAt: UInt64?
    /// The laptop's clock minus the server's, as last measured.
    package var clockOffsetMilliseconds: Int64?
    /// What went wrong last time, until a sync succeeds.
    package var failure: Failure?
    /// Set when this laptop turned out to be a copy (or an older image) of another: its own
    /// operations from this counter on differ from what the server holds under its replica id.
    /// It must enroll again; until then it does not sync.
    var copiedFrom: UInt64?
    /// The replica id this laptop had before it enrolled again, until the next snapshot has
    /// renumbered its unsent operations under the new one.
    var previousReplica: ReplicaID?
    /// The county store's epoch at the last exchange, sent with the next one.
    var store: StoreEpoch?
    /// What this laptop sent again for a store restored from an older backup, reported with the
    /// next exchange (then cleared) so the operator can count what no laptop held.
    var recovery: StoreRecovery?
    /// When the replica was last found equal to the county's store (its digest matched).
    package var verifiedAt: UInt64?

    /// Whether `field-agent enroll` may take a new token in place: the laptop is a copy, or the
    /// county's store refused its token (restored from a backup older than its enrollment).
    package var mayEnrollAgain: Bool { copiedFrom != nil || failure?.code == ErrorCode.unauthorized.rawValue }

    /// The last failure of a sync, kept for `status`.
    package struct Failure: Sendable, Equatable {
        package var code: String
        package var message: LocalizedText
        package var at: UInt64
    }

    package init(serverURL: String, caFile: String?, insecureHTTP: Bool = false, enrollment: EnrollResponse) {
        self.serverURL = serverURL
        self.caFile = caFile
        self.insecureHTTP = insecureHTTP
        replica = enrollment.replica
        gridId = enrollment.gridId
        agentName = enrollment.agentName
        counter = 0
        acknowledged = 0
        cursor = 0
        hlc = .zero
        acknowledgedHLC = .zero
        snapshotNeeded = true
        generation = 0
        lastSyncAt = nil
        clockOffsetMilliseconds = nil
        failure = nil
        copiedFrom = nil
        previousReplica = nil
        store = nil
        recovery = nil
        verifiedAt = nil
    }

    init(row: Row) {
        serverURL = row["serverURL"]
        caFile = row["caFile"]
        insecureHTTP = row["insecureHTTP"]
        replica = ReplicaID(UInt32(row["replica"] as Int64))
        gridId = row["gridId"]
        agentName = row["agentName"]
        counter = UInt64(row["counter"] as Int64)
        acknowledged = UInt64(row["acknowledged"] as Int64)
        cursor = UInt64(row["cursor"] as Int64)
        hlc = HLCTimestamp(
            wallMilliseconds: UInt64(row["hlcMilliseconds"] as Int64),
            logical: UInt32(row["hlcLogical"] as Int64)
        )
        acknowledgedHLC = HLCTimestamp(
            wallMilliseconds: UInt64(row["acknowledgedHlcMilliseconds"] as Int64),
            logical: UInt32(row["acknowledgedHlcLogical"] as Int64)
        )
        snapshotNeeded = row["snapshotNeeded"]
        generation = row["generation"]
        lastSyncAt = (row["lastSyncAt"] as Int64?).map(UInt64.init)
        clockOffsetMilliseconds = row["clockOffsetMilliseconds"]
        copiedFrom = (row["copiedFrom"] as Int64?).map(UInt64.init)
        previousReplica = (row["previousReplica"] as Int64?).map { ReplicaID(UInt32($0)) }
        if let generation = row["storeGeneration"] as Int64?, let id = row["storeId"] as String? {
            store = StoreEpoch(generation: UInt64(generation), id: id)
        }
        verifiedAt = (row["verifiedAt"] as Int64?).map(UInt64.init)
        if let resent = row["recoveredResent"] as Int64?, let lost = row["recoveredLost"] as Int64? {
            recovery = StoreRecovery(resent: UInt64(resent), lost: UInt64(lost))
        }
        if let code = row["failureCode"] as String? {
            failure = Failure(
                code: code,
                message: LocalizedText(row["failureMessage"] ?? "", zh: row["failureMessageZh"] ?? ""),
                at: UInt64(row["failureAt"] as Int64? ?? 0)
            )
        }
    }

    /// The server to sync with, refused when it is plain http off this machine and the worker did
    /// not accept that at enrollment.
    package func acceptedServer() throws -> ServerAddress {
        guard let address = ServerAddress(serverURL), !address.exposesToken || insecureHTTP else {
            throw AgentError.plainHTTPNotAccepted(serverURL)
        }
        return address
    }

    static func fetch(_ db: Database) throws -> ReplicaState? {
        try Row.fetchOne(db, sql: "SELECT * FROM replica WHERE id = 1").map(ReplicaState.init(row:))
    }

    /// Writes the whole row; called inside the transaction that made the change.
    func save(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO replica (id, serverURL, caFile, insecureHTTP, replica, gridId, agentName,
                    counter, acknowledged, cursor, hlcMilliseconds, hlcLogical, acknowledgedHlcMilliseconds,
                    acknowledgedHlcLogical, snapshotNeeded, generation, lastSyncAt, clockOffsetMilliseconds,
                    failureCode, failureMessage, failureMessageZh, failureAt, copiedFrom, previousReplica,
                    storeGeneration, storeId, recoveredResent, recoveredLost, verifiedAt)
                VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                serverURL, caFile, insecureHTTP, Int64(replica.rawValue), gridId, agentName, Int64(counter),
                Int64(acknowledged), Int64(cursor), Int64(hlc.wallMilliseconds), Int64(hlc.logical),
                Int64(acknowledgedHLC.wallMilliseconds), Int64(acknowledgedHLC.logical), snapshotNeeded, generation,
                lastSyncAt.map(Int64.init), clockOffsetMilliseconds, failure?.code, failure?.message.english,
                failure?.message.chinese, failure.map { Int64($0.at) }, copiedFrom.map(Int64.init),
                previousReplica.map { Int64($0.rawValue) }, store.map { Int64($0.generation) }, store?.id,
                recovery.map { Int64($0.resent) }, recovery.map { Int64($0.lost) }, verifiedAt.map(Int64.init),
            ]
        )
    }
}
