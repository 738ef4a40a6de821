public import Foundation

/// The current version of the wire protocol; requests name it, and the server refuses others.
public enum ProtocolVersion {
    public static let current = 1
}

/// What an agent sends in the one round trip of a sync: its unacknowledged operations and its cursor.
///
/// Sent as gzip JSON to `POST /v1/sync` with the agent's bearer token. The same batch may be sent
/// any number of times (a dropped connection, a retry): operations already stored are acknowledged
/// again, never applied twice.
public struct SyncRequest: Hashable, Sendable {
    public var protocolVersion: Int
    /// Names the batch in logs and the audit trail; a retry sends the same id.
    public var batchId: String
    /// The server sequence number up to which the agent has committed pulled operations.
    public var cursor: UInt64
    /// The agent's unacknowledged operations, in the order it authored them.
    public var operations: [SyncOperation]
    /// The store epoch of the agent's last exchange; nil before its first (and from older agents).
    public var store: StoreEpoch?
    /// Sent once after a `store_rolled_back`: what the laptop sent again and what it no longer had.
    public var recovered: StoreRecovery?

    public init(
        protocolVersion: Int = ProtocolVersion.current,
        batchId: String,
        cursor: UInt64,
        operations: [SyncOperation],
        store: StoreEpoch? = nil,
        recovered: StoreRecovery? = nil
    ) {
        self.protocolVersion = protocolVersion
        self.batchId = batchId
        self.cursor = cursor
        self.operations = operations
        self.store = store
        self.recovered = recovered
    }
}

/// What the server answers: the acknowledgement, one page of what the agent has not seen, and the new cursor.
public struct SyncResponse: Hashable, Sendable {
    /// Every operation of this agent with a counter up to this one is stored on the server; the
    /// agent may drop them from its outbox. Counters have no gaps, so one number acknowledges all.
    public var acknowledgedThrough: UInt64
    /// Operations in the agent's scope after its cursor that it did not author, in server order.
    public var operations: [SyncOperation]
    /// The cursor to commit once `operations` are stored locally, and to send next time.
    public var cursor: UInt64
    /// True when more operations wait after `cursor`: sync again at once.
    public var hasMore: Bool
    /// The server's clock, in milliseconds since 1970, so the agent can warn about a wrong laptop clock.
    public var serverTime: UInt64
    /// The operations of this request that were acknowledged as set aside, not stored; nil when none.
    public var setAside: [SetAsideNotice]?
    /// The store's current epoch, for the agent to send back next time; nil from older servers.
    public var store: StoreEpoch?
    /// On the last page (`hasMore` false): the ``ScopeDigest`` of the records of the agent's
    /// subtree as the server holds them once this page is applied; nil from older servers.
    public var digest: String?
    /// Pulled operations this release cannot read (a kind, incident step or key of a newer
    /// release), exactly as they came; never on the wire as such, they are part of `operations`.
    public var unreadable: [Data] = []

    public init(
        acknowledgedThrough: UInt64,
        operations: [SyncOperation],
        cursor: UInt64,
        hasMore: Bool,
        serverTime: UInt64,
        setAside: [SetAsideNotice]? = nil,
        store: StoreEpoch? = nil,
        digest: String? = nil
    ) {
        self.acknowledgedThrough = acknowledgedThrough
        self.operations = operations
        self.cursor = cursor
        self.hasMore = hasMore
        self.serverTime = serverTime
        self.setAside = setAside
        self.store = store
        self.digest = digest
    }
}
