/// `{"clock","events","id","registers","sets","type"}`, every register and set field under its
/// name: the form a record is stored in on both sides and sent in snapshots.
extension RecordState: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in
            writer.field("clock", clock)
            writer.field("events", events)
            writer.field("id", id)
            writer.field("registers", registers)
            writer.field("sets", sets)
            writer.field("type", type)
        }
    }

    public init(from reader: inout CanonicalReader) throws {
        var type: RecordType?
        var id: String?
        var clock: VersionVector?
        var registers: [String: [RegisterValue]]?
        var sets: [String: [SetEntry]]?
        var events: [EventEntry]?
        try reader.object { reader, key in
            switch key {
            case "type": type = try reader.read()
            case "id": id = try reader.string()
            case "clock": clock = try reader.read()
            case "registers":
                var result: [String: [RegisterValue]] = [:]
                try reader.object { reader, field in result[field] = try reader.read() }
                registers = result
            case "sets":
                var result: [String: [SetEntry]] = [:]
                try reader.object { reader, field in result[field] = try reader.read() }
                sets = result
            case "events": events = try reader.read()
            default: try reader.skipValue()
            }
        }
        guard let type else { throw reader.missing("type") }
        guard let id else { throw reader.missing("id") }
        guard let clock else { throw reader.missing("clock") }
        guard let registers else { throw reader.missing("registers") }
        guard let sets else { throw reader.missing("sets") }
        guard let events else { throw reader.missing("events") }
        self.init(type: type, id: id, clock: clock, registers: registers, sets: sets, events: events)
    }
}

/// `{"dot","hlc","value"}`.
extension RegisterValue: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in
            writer.field("dot", dot)
            writer.field("hlc", hlc)
            writer.field("value", value)
        }
    }

    public init(from reader: inout CanonicalReader) throws {
        var dot: Dot?
        var hlc: HLCTimestamp?
        var value: FieldValue?
        try reader.object { reader, key in
            switch key {
            case "dot": dot = try reader.read()
            case "hlc": hlc = try reader.read()
            case "value": value = try reader.read()
            default: try reader.skipValue()
            }
        }
        guard let dot, let hlc, let value else { throw reader.missing("value") }
        self.init(dot: dot, hlc: hlc, value: value)
    }
}

/// `{"dot","element"}`.
extension SetEntry: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in
            writer.field("dot", dot)
            writer.field("element", element)
        }
    }

    public init(from reader: inout CanonicalReader) throws {
        var dot: Dot?
        var element: String?
        try reader.object { reader, key in
            switch key {
            case "dot": dot = try reader.read()
            case "element": element = try reader.string()
            default: try reader.skipValue()
            }
        }
        guard let dot, let element else { throw reader.missing("element") }
        self.init(element: element, dot: dot)
    }
}

/// `{"dot","event","hlc"}`.
extension EventEntry: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in
            writer.field("dot", dot)
            writer.field("event", event)
            writer.field("hlc", hlc)
        }
    }

    public init(from reader: inout CanonicalReader) throws {
        var dot: Dot?
        var hlc: HLCTimestamp?
        var event: IncidentEvent?
        try reader.object { reader, key in
            switch key {
            case "dot": dot = try reader.read()
            case "hlc": hlc = try reader.read()
            case "event": event = try reader.read()
            default: try reader.skipValue()
            }
        }
        guard let dot, let hlc, let event else { throw reader.missing("event") }
        self.init(dot: dot, hlc: hlc, event: event)
    }
}
