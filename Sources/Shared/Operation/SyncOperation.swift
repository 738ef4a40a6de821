/// One change made by one replica: the unit that is queued offline, synced, stored and merged.
///
/// Every operation carries its ``Dot`` (which names it everywhere, so a retried upload is
/// recognised), the causal ``context`` of its record as the author saw it (which decides what it
/// supersedes), and an ``HLCTimestamp`` (which only breaks ties). Applying the same operations in
/// any causal order, any number of times, gives the same state.
public struct SyncOperation: Hashable, Sendable {
    public let dot: Dot
    /// The version vector of the record as the author saw it just before this operation.
    public let context: VersionVector
    public let hlc: HLCTimestamp
    public let type: RecordType
    /// The record's id, a UUID created by whoever created the record.
    public let id: String
    public let payload: Payload

    /// What the operation does.
    public enum Payload: Hashable, Sendable {
        /// Creates a record with its first field values.
        case create([String: FieldValue])
        /// Writes register fields; each field merges on its own.
        case set([String: FieldValue])
        /// Adds an element to an add-wins set field.
        case add(field: String, element: String)
        /// Removes the elements the author saw from an add-wins set field.
        case remove(field: String, element: String)
        /// Marks the record removed. Nothing is ever hard-deleted; the tombstone syncs like any write.
        case tombstone
        /// Appends a step to an incident's history.
        case event(IncidentEvent)
        /// Writes a work log, once.
        case log([String: FieldValue])

        /// The protocol name of the kind, as in the `kind` key of the JSON form.
        public var kind: Kind {
            switch self {
            case .create: .create
            case .set: .set
            case .add: .add
            case .remove: .remove
            case .tombstone: .tombstone
            case .event: .event
            case .log: .log
            }
        }
    }

    /// The kinds of operation, by their protocol names.
    public enum Kind: String, Sendable, CaseIterable {
        case create, set, add, remove, tombstone, event, log
    }

    public init(
        dot: Dot,
        context: VersionVector,
        hlc: HLCTimestamp,
        type: RecordType,
        id: String,
        payload: Payload
    ) {
        self.dot = dot
        self.context = context
        self.hlc = hlc
        self.type = type
        self.id = id
        self.payload = payload
    }

    /// The record this operation changes.
    public var record: RecordKey { RecordKey(type: type, id: id) }
}

/// Names one record: its type and its id.
public struct RecordKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let type: RecordType
    public let id: String

    public init(type: RecordType, id: String) {
        self.type = type
        self.id = id
    }

    public static func < (lhs: RecordKey, rhs: RecordKey) -> Bool { (lhs.type, lhs.id) < (rhs.type, rhs.id) }

    public var description: String { "\(type.rawValue)/\(id)" }
}
