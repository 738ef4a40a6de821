/// The JSON form of an operation, flat, with the payload's keys beside the common ones:
///
///     {"context":{"3":16},"dot":[3,17],"fields":{"phone":"13800000000"},
///      "hlc":[1764384600123,0],"id":"0193…","kind":"set","type":"household"}
///
/// Decoding is strict: an unknown kind or a key the kind does not have is refused, so a newer
/// client's operation is never half-understood.
extension SyncOperation: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case dot, context, hlc, type, id, kind, fields, field, element, event
    }

    static let commonKeys: Set<CodingKeys> = [.dot, .context, .hlc, .type, .id, .kind]

    static func payloadKeys(of kind: Kind) -> Set<CodingKeys> {
        switch kind {
        case .create, .set, .log: [.fields]
        case .add, .remove: [.field, .element]
        case .tombstone: []
        case .event: [.event]
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let kindName = try container.decode(String.self, forKey: AnyKey("kind"))
        guard let kind = Kind(rawValue: kindName) else {
            throw ModelError.unknownName(kindName, field: "kind", what: ("operation kind", "操作类型"))
        }
        let allowed = Self.commonKeys.union(Self.payloadKeys(of: kind)).map(\.rawValue)
        if let extra = container.allKeys.map(\.stringValue).sorted().first(where: { !allowed.contains($0) }) {
            throw ModelError.unknownKey(extra, owner: ("A \(kindName) operation", "\(kindName) 操作"))
        }
        let keyed = try decoder.container(keyedBy: CodingKeys.self)
        dot = try keyed.decode(Dot.self, forKey: .dot)
        context = try keyed.decode(VersionVector.self, forKey: .context)
        hlc = try keyed.decode(HLCTimestamp.self, forKey: .hlc)
        let typeName = try keyed.decode(String.self, forKey: .type)
        guard let type = RecordType(rawValue: typeName) else {
            throw ModelError.unknownName(typeName, field: "type", what: ("record type", "记录类型"))
        }
        self.type = type
        id = try keyed.decode(String.self, forKey: .id)
        switch kind {
        case .create: payload = .create(try keyed.decode([String: FieldValue].self, forKey: .fields))
        case .set: payload = .set(try keyed.decode([String: FieldValue].self, forKey: .fields))
        case .log: payload = .log(try keyed.decode([String: FieldValue].self, forKey: .fields))
        case .add:
            payload = .add(
                field: try keyed.decode(String.self, forKey: .field),
                element: try keyed.decode(String.self, forKey: .element)
            )
        case .remove:
            payload = .remove(
                field: try keyed.decode(String.self, forKey: .field),
                element: try keyed.decode(String.self, forKey: .element)
            )
        case .tombstone: payload = .tombstone
        case .event: payload = .event(try keyed.decode(IncidentEvent.self, forKey: .event))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(dot, forKey: .dot)
        try container.encode(context, forKey: .context)
        try container.encode(hlc, forKey: .hlc)
        try container.encode(type, forKey: .type)
        try container.encode(id, forKey: .id)
        try container.encode(payload.kind.rawValue, forKey: .kind)
        switch payload {
        case .create(let fields), .set(let fields), .log(let fields):
            try container.encode(fields, forKey: .fields)
        case .add(let field, let element), .remove(let field, let element):
            try container.encode(field, forKey: .field)
            try container.encode(element, forKey: .element)
        case .tombstone:
            break
        case .event(let event):
            try container.encode(event, forKey: .event)
        }
    }
}

/// A coding key for any string, to list the keys an object really has.
struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
