/// The stable codes of every error GridSync reports, on the wire and in the command-line tools.
///
/// Clients branch on these codes, never on message text, so a code is never renamed or reused;
/// `protocol/README.md` lists what each means and what a client should do.
public enum ErrorCode: String, Sendable, CaseIterable {
    /// The body is not valid gzip or JSON, or is cut short.
    case malformedBody = "malformed_body"
    /// An operation names a kind this server does not know.
    case unknownKind = "unknown_kind"
    /// An operation names a field its record type does not have.
    case unknownField = "unknown_field"
    /// A value fails validation (ID check digit, phone number, level, required field, …).
    case invalidValue = "invalid_value"
    /// An HLC timestamp is further ahead of the receiver's clock than the drift bound.
    case clockDrift = "clock_drift"
    /// An operation depends on an operation the receiver has not got (a gap in the sender's counters).
    case missingDependency = "missing_dependency"
    /// The body, compressed or inflated, is over the size limit.
    case payloadTooLarge = "payload_too_large"
    /// The bearer token is missing, unknown or revoked.
    case unauthorized = "unauthorized"
    /// An operation touches a record outside the agent's grid subtree.
    case outOfScope = "out_of_scope"
    /// The agent's node may not take this incident step (the role table in protocol/README.md).
    case notPermitted = "not_permitted"
    /// The server has more exchanges in flight than it takes at once; retry after `Retry-After`.
    case serverBusy = "server_busy"
    /// This agent already has an exchange in flight; retry after `Retry-After`.
    case tooManyRequests = "too_many_requests"
    /// An operation depends on another that was set aside (only ever in a set-aside notice).
    case setAside = "set_aside"
    /// A dot the server holds with other content: the laptop's replica was copied or restored; enroll again.
    case replicaCopied = "replica_copied"
    /// The store was restored from an older backup: send again from the counter in `dots`, then resync.
    case storeRolledBack = "store_rolled_back"
    /// The agent must take a fresh snapshot before syncing again.
    case resyncRequired = "resync_required"
    /// The client speaks a protocol version the server does not.
    case unsupportedVersion = "unsupported_version"
    /// The requested thing does not exist.
    case notFound = "not_found"
    /// Something failed on the server; the request may be retried.
    case internalError = "internal_error"
}

/// An error a person can read: one sentence in both languages saying what went wrong and, where
/// it helps, what to do.
public protocol ExplainedError: Error {
    var message: LocalizedText { get }
}

/// An explained error with a stable code, as the wire and the operator's scripts see it.
public protocol CodedError: ExplainedError {
    var code: ErrorCode { get }
}
