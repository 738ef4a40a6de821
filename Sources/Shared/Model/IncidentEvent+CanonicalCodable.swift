/// An object with `action` and whichever of the other keys the step has.
extension IncidentEvent: CanonicalCodable {
    /// The keys an event may have.
    enum Key: String, WireKey {
        case action, node, target, note, satisfaction, registryNumber, days

        static let names = utf8Names()
    }

    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in
            writer.field("action", action.rawValue)
            writer.field("days", ifPresent: days)
            writer.field("node", ifPresent: node)
            writer.field("note", ifPresent: note)
            writer.field("registryNumber", ifPresent: registryNumber)
            writer.field("satisfaction", ifPresent: satisfaction?.rawValue)
            writer.field("target", ifPresent: target)
        }
    }

    /// Strict, like ``SyncOperation``: an unknown action or key is refused (``ModelError``),
    /// never half-understood; `null` stands for an absent key.
    public init(from reader: inout CanonicalReader) throws {
        var event = IncidentEvent(action: .comment)
        var action: String?
        var seen: [Key] = []
        try reader.object(keys: { reader, key in
            let known = Key(key)
            if let known {
                guard !seen.contains(known) else { throw reader.duplicate(known.rawValue) }
                seen.append(known)
            }
            switch known {
            case .action: action = try reader.string()
            case .node: event.node = try reader.optional(String.self)
            case .target: event.target = try reader.optional(String.self)
            case .note: event.note = try reader.optional(String.self)
            case .registryNumber: event.registryNumber = try reader.optional(String.self)
            case .days: event.days = try reader.optional { Int(try $0.counter("days", in: 0...1_000)) }
            case .satisfaction:
                event.satisfaction = try reader.optional { try $0.name(Satisfaction.self, "satisfaction") }
            case nil: throw ModelError.unknownKey(try key.string(), owner: ("An incident event", "事件步骤"))
            }
        })
        guard let action else { throw reader.missing("action") }
        guard let known = IncidentAction(rawValue: action) else {
            throw ModelError.unknownName(action, field: "action", what: ("incident action", "事件操作"))
        }
        event.action = known
        self = event
    }
}
