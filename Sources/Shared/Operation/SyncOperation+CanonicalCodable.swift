/// The JSON form of an operation, flat, with the payload's keys beside the common ones:
///
///     {"context":{"3":16},"dot":[3,17],"fields":{"phone":"13800000000"},
///      "hlc":[1764384600123,0],"id":"0193…","kind":"set","type":"household"}
///
/// Reading is strict: an unknown kind or a key the kind does not have is refused, so a newer
/// client's operation is never half-understood.
extension SyncOperation: CanonicalCodable {
    /// The keys an operation may have.
    enum Key: String, WireKey {
        case dot, context, hlc, type, id, kind, fields, field, element, event

        static let names = utf8Names()

        /// The key's bit in a ``Keys`` set: read on every operation of every request, where a
        /// `Set` of keys built per operation cost more than reading the operation's numbers.
        var bit: Keys {
            switch self {
            case .dot: Keys(rawValue: 1 << 0)
            case .context: Keys(rawValue: 1 << 1)
            case .hlc: Keys(rawValue: 1 << 2)
            case .type: Keys(rawValue: 1 << 3)
            case .id: Keys(rawValue: 1 << 4)
            case .kind: Keys(rawValue: 1 << 5)
            case .fields: Keys(rawValue: 1 << 6)
            case .field: Keys(rawValue: 1 << 7)
            case .element: Keys(rawValue: 1 << 8)
            case .event: Keys(rawValue: 1 << 9)
            }
        }
    }

    /// A set of ``Key``s as bits.
    struct Keys: OptionSet {
        let rawValue: UInt16
    }

    static let commonKeys: Keys = [Key.dot.bit, Key.context.bit, Key.hlc.bit, Key.type.bit, Key.id.bit, Key.kind.bit]

    static func payloadKeys(of kind: Kind) -> Keys {
        switch kind {
        case .create, .set, .log: Key.fields.bit
        case .add, .remove: [Key.field.bit, Key.element.bit]
        case .tombstone: []
        case .event: Key.event.bit
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
        var keys: Keys = []
        var unknownKeys: [String] = []
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
        try reader.object(keys: { reader, raw in
            guard let name = Key(raw) else {
                let key = try raw.string()
                guard !unknownKeys.contains(key) else { throw reader.duplicate(key) }
                unknownKeys.append(key)
                try reader.skipValue()
                return
            }
            guard !keys.contains(name.bit) else { throw reader.duplicate(name.rawValue) }
            keys.insert(name.bit)
            switch name {
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
            }
        })
        guard let kind else { throw reader.missing("kind") }
        guard let known = Kind(rawValue: kind) else {
            throw ModelError.unknownName(kind, field: "kind", what: ("operation kind", "操作类型"))
        }
        let extra = keys.subtracting(Self.commonKeys.union(Self.payloadKeys(of: known)))
        if !extra.isEmpty || !unknownKeys.isEmpty {
            let first = (unknownKeys + Key.allCases.filter { extra.contains($0.bit) }.map(\.rawValue)).min()!
            throw ModelError.unknownKey(first, owner: ("A \(kind) operation", "\(kind) 操作"))
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
