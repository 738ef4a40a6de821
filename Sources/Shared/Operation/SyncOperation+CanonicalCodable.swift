/// The JSON form of an operation, flat, with the payload's keys beside the common ones:
///
///     {"context":{"3":16},"dot":[3,17],"fields":{"phone":"13800000000"},
///      "hlc":[1764384600123,0],"id":"0193…","kind":"set","type":"household"}
///
/// Reading is strict: an unknown kind or a key the kind does not have is refused, so a newer
/// client's operation is never half-understood.
extension SyncOperation: CanonicalCodable {
    /// The keys an operation may have.
    enum Key: String, CaseIterable {
        case dot, context, hlc, type, id, kind, fields, field, element, event
    }

    static let commonKeys: Set<Key> = [.dot, .context, .hlc, .type, .id, .kind]

    static func payloadKeys(of kind: Kind) -> Set<Key> {
        switch kind {
        case .create, .set, .log: [.fields]
        case .add, .remove: [.field, .element]
        case .tombstone: []
        case .event: [.event]
        }
    }

    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in
            writer.field("context", context)
            writer.field("dot", dot)
            switch payload {
            case .add(let field, let element), .remove(let field, let element):
                writer.field("element", element)
                writer.field("field", field)
            case .event(let event):
                writer.field("event", event)
            case .create(let fields), .set(let fields), .log(let fields):
                writer.field("fields", fields)
            case .tombstone:
                break
            }
            writer.field("hlc", hlc)
            writer.field("id", id)
            writer.field("kind", payload.kind.rawValue)
            writer.field("type", type)
        }
    }

    public init(from reader: inout CanonicalReader) throws {
        var keys: [String] = []
        var dot: Dot?
        var context: VersionVector?
        var hlc: HLCTimestamp?
        var type: String?
        var id: String?
        var kind: String?
        var field: String?
        var element: String?
        var fields: [String: FieldValue]?
        var event: IncidentEvent?
        try reader.object { reader, key in
            guard !keys.contains(key) else { throw reader.duplicate(key) }
            keys.append(key)
            switch Key(rawValue: key) {
            case .dot: dot = try reader.read()
            case .context: context = try reader.read()
            case .hlc: hlc = try reader.read()
            case .type: type = try reader.string()
            case .id: id = try reader.string()
            case .kind: kind = try reader.string()
            case .field: field = try reader.string()
            case .element: element = try reader.string()
            case .fields: fields = try FieldValue.readFields(from: &reader)
            case .event: event = try reader.read()
            case nil: try reader.skipValue()
            }
        }
        guard let kind else { throw reader.missing("kind") }
        guard let known = Kind(rawValue: kind) else {
            throw ModelError.unknownName(kind, field: "kind", what: ("operation kind", "操作类型"))
        }
        let allowed = Self.commonKeys.union(Self.payloadKeys(of: known)).map(\.rawValue)
        if let extra = keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ModelError.unknownKey(extra, owner: ("A \(kind) operation", "\(kind) 操作"))
        }
        guard let dot else { throw reader.missing("dot") }
        guard let context else { throw reader.missing("context") }
        guard let hlc else { throw reader.missing("hlc") }
        guard let type else { throw reader.missing("type") }
        guard let recordType = RecordType(rawValue: type) else {
            throw ModelError.unknownName(type, field: "type", what: ("record type", "记录类型"))
        }
        guard let id else { throw reader.missing("id") }
        let payload: Payload
        switch known {
        case .create, .set, .log:
            guard let fields else { throw reader.missing("fields") }
            payload = known == .create ? .create(fields) : known == .set ? .set(fields) : .log(fields)
        case .add, .remove:
            guard let field else { throw reader.missing("field") }
            guard let element else { throw reader.missing("element") }
            payload = known == .add ? .add(field: field, element: element) : .remove(field: field, element: element)
        case .tombstone:
            payload = .tombstone
        case .event:
            guard let event else { throw reader.missing("event") }
            payload = .event(event)
        }
        self.init(dot: dot, context: context, hlc: hlc, type: recordType, id: id, payload: payload)
    }
}
