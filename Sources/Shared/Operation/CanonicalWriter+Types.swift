// The canonical JSON of the types the server writes on every merge. Keys appear in sorted order,
// exactly as their Codable conformances name them.

extension Dot: CanonicalJSONWritable {
    func write(to writer: inout CanonicalWriter) {
        writer.byte(UInt8(ascii: "["))
        writer.integer(replica.rawValue)
        writer.byte(UInt8(ascii: ","))
        writer.integer(counter)
        writer.byte(UInt8(ascii: "]"))
    }
}

extension HLCTimestamp: CanonicalJSONWritable {
    func write(to writer: inout CanonicalWriter) {
        writer.byte(UInt8(ascii: "["))
        writer.integer(wallMilliseconds)
        writer.byte(UInt8(ascii: ","))
        writer.integer(logical)
        writer.byte(UInt8(ascii: "]"))
    }
}

extension VersionVector: CanonicalJSONWritable {
    func write(to writer: inout CanonicalWriter) {
        // Keys are the replicas' decimal strings, sorted as strings ("10" before "9").
        writer.object(pairs: entries.map { (String($0.key.rawValue), $0.value) }) { $0.integer($1) }
    }
}

extension FieldValue: CanonicalJSONWritable {
    func write(to writer: inout CanonicalWriter) {
        switch self {
        case .string(let value): writer.string(value)
        case .integer(let value): writer.integer(value)
        case .boolean(let value): writer.bool(value)
        case .null: writer.raw("null")
        }
    }
}

extension IncidentEvent: CanonicalJSONWritable {
    func write(to writer: inout CanonicalWriter) {
        writer.byte(UInt8(ascii: "{"))
        writer.key("action", first: true)
        writer.string(action.rawValue)
        if let days {
            writer.key("days")
            writer.integer(days)
        }
        if let node {
            writer.key("node")
            writer.string(node)
        }
        if let note {
            writer.key("note")
            writer.string(note)
        }
        if let registryNumber {
            writer.key("registryNumber")
            writer.string(registryNumber)
        }
        if let satisfaction {
            writer.key("satisfaction")
            writer.string(satisfaction.rawValue)
        }
        if let target {
            writer.key("target")
            writer.string(target)
        }
        writer.byte(UInt8(ascii: "}"))
    }
}

extension SyncOperation: CanonicalJSONWritable {
    func write(to writer: inout CanonicalWriter) {
        writer.byte(UInt8(ascii: "{"))
        writer.key("context", first: true)
        context.write(to: &writer)
        writer.key("dot")
        dot.write(to: &writer)
        switch payload {
        case .add(let field, let element), .remove(let field, let element):
            writer.key("element")
            writer.string(element)
            writer.key("field")
            writer.string(field)
        case .event(let event):
            writer.key("event")
            event.write(to: &writer)
        case .create(let fields), .set(let fields), .log(let fields):
            writer.key("fields")
            writer.object(fields) { $1.write(to: &$0) }
        case .tombstone:
            break
        }
        writer.key("hlc")
        hlc.write(to: &writer)
        writer.key("id")
        writer.string(id)
        writer.key("kind")
        writer.string(payload.kind.rawValue)
        writer.key("type")
        writer.string(type.rawValue)
        writer.byte(UInt8(ascii: "}"))
    }
}

extension RecordState: CanonicalJSONWritable {
    func write(to writer: inout CanonicalWriter) {
        writer.byte(UInt8(ascii: "{"))
        writer.key("clock", first: true)
        clock.write(to: &writer)
        writer.key("events")
        writer.array(events) { writer, entry in
            writer.byte(UInt8(ascii: "{"))
            writer.key("dot", first: true)
            entry.dot.write(to: &writer)
            writer.key("event")
            entry.event.write(to: &writer)
            writer.key("hlc")
            entry.hlc.write(to: &writer)
            writer.byte(UInt8(ascii: "}"))
        }
        writer.key("id")
        writer.string(id)
        writer.key("registers")
        writer.object(registers) { writer, siblings in
            writer.array(siblings) { writer, sibling in
                writer.byte(UInt8(ascii: "{"))
                writer.key("dot", first: true)
                sibling.dot.write(to: &writer)
                writer.key("hlc")
                sibling.hlc.write(to: &writer)
                writer.key("value")
                sibling.value.write(to: &writer)
                writer.byte(UInt8(ascii: "}"))
            }
        }
        writer.key("sets")
        writer.object(sets) { writer, entries in
            writer.array(entries) { writer, entry in
                writer.byte(UInt8(ascii: "{"))
                writer.key("dot", first: true)
                entry.dot.write(to: &writer)
                writer.key("element")
                writer.string(entry.element)
                writer.byte(UInt8(ascii: "}"))
            }
        }
        writer.key("type")
        writer.string(type.rawValue)
        writer.byte(UInt8(ascii: "}"))
    }
}

extension SyncRequest: CanonicalJSONWritable {
    func write(to writer: inout CanonicalWriter) {
        writer.byte(UInt8(ascii: "{"))
        writer.key("batchId", first: true)
        writer.string(batchId)
        writer.key("cursor")
        writer.integer(cursor)
        writer.key("operations")
        writer.array(operations) { $1.write(to: &$0) }
        writer.key("protocolVersion")
        writer.integer(protocolVersion)
        if let recovered {
            writer.key("recovered")
            writer.byte(UInt8(ascii: "{"))
            writer.key("lost", first: true)
            writer.integer(recovered.lost)
            writer.key("resent")
            writer.integer(recovered.resent)
            writer.byte(UInt8(ascii: "}"))
        }
        if let store {
            writer.key("store")
            writer.byte(UInt8(ascii: "{"))
            writer.key("generation", first: true)
            writer.integer(store.generation)
            writer.key("id")
            writer.string(store.id)
            writer.byte(UInt8(ascii: "}"))
        }
        writer.byte(UInt8(ascii: "}"))
    }
}
