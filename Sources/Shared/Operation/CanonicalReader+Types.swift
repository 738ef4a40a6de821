import Foundation

// How the wire types read themselves with CanonicalReader. Each mirrors its Codable conformance:
// the same keys, the same optional keys, the same strictness.

extension CanonicalReader {
    /// A required key that was absent, reported as `JSONDecoder` reports it.
    func missing(_ key: String) -> DecodingError {
        DecodingError.keyNotFound(AnyKey(key), .init(codingPath: [], debugDescription: "No value for \(key)."))
    }

    /// A key that appears twice in one object: readers disagree on which one counts, so neither does.
    func duplicate(_ key: String) -> DecodingError { corrupt("the key \(key) appears twice") }

    /// An optional value: nil when the key's value is `null`.
    mutating func optional<Value>(_ read: (inout CanonicalReader) throws -> Value) throws -> Value? {
        null() ? nil : try read(&self)
    }

    /// A counter, cursor or sequence number of the field `field`: a whole number in `range`.
    mutating func counter(_ field: String, in range: ClosedRange<UInt64> = 0...WireLimits.maxCounter) throws -> UInt64 {
        try bounded(integer(UInt64.self), field: field, in: range)
    }

    /// Refuses `value` outside `range`, naming the field as validation does.
    func bounded(_ value: UInt64, field: String, in range: ClosedRange<UInt64>) throws(ModelError) -> UInt64 {
        guard range.contains(value) else {
            throw .invalidValue(field: field, reason: .range(Int64(range.lowerBound)...Int64(range.upperBound)))
        }
        return value
    }
}

extension Dot: CanonicalJSONReadable {
    static func read(from reader: inout CanonicalReader) throws -> Dot {
        let (replica, counter) = try reader.pair()
        return try Dot(checkingReplica: replica, counter: counter)
    }
}

extension HLCTimestamp: CanonicalJSONReadable {
    static func read(from reader: inout CanonicalReader) throws -> HLCTimestamp {
        let (milliseconds, logical) = try reader.pair()
        return try HLCTimestamp(checkingMilliseconds: milliseconds, logical: logical)
    }
}

extension VersionVector: CanonicalJSONReadable {
    static func read(from reader: inout CanonicalReader) throws -> VersionVector {
        var entries: [ReplicaID: UInt64] = [:]
        try reader.object { reader, key in
            guard let replica = UInt32(key), String(replica) == key else {
                throw reader.corrupt("replica id \"\(key)\" is not a number")
            }
            guard entries.count < WireLimits.maxContextEntries else {
                throw reader.corrupt("a clock with more than \(WireLimits.maxContextEntries) entries")
            }
            guard entries.updateValue(try reader.counter("context"), forKey: ReplicaID(replica)) == nil else {
                throw reader.duplicate(key)
            }
        }
        return VersionVector(entries)
    }
}

extension FieldValue: CanonicalJSONReadable {
    static func read(from reader: inout CanonicalReader) throws -> FieldValue {
        switch reader.peekKind() ?? 0 {
        case UInt8(ascii: "n"):
            guard reader.null() else { throw reader.corrupt("expected null") }
            return .null
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .boolean(try reader.bool())
        case UInt8(ascii: "\""): return .string(try reader.string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try reader.integer(Int64.self))
        default: throw reader.corrupt("a field value is text, a whole number, true/false or null")
        }
    }

    static func readFields(from reader: inout CanonicalReader) throws -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        try reader.object { reader, key in
            guard fields.updateValue(try FieldValue.read(from: &reader), forKey: key) == nil else {
                throw reader.duplicate(key)
            }
        }
        return fields
    }
}

extension IncidentEvent: CanonicalJSONReadable {
    static func read(from reader: inout CanonicalReader) throws -> IncidentEvent {
        var event = IncidentEvent(action: .comment)
        var action: String?
        var seen: [CodingKeys] = []
        try reader.object { reader, key in
            let known = CodingKeys(rawValue: key)
            if let known {
                guard !seen.contains(known) else { throw reader.duplicate(key) }
                seen.append(known)
            }
            switch known {
            case .action: action = try reader.string()
            case .node: event.node = try reader.optional { try $0.string() }
            case .target: event.target = try reader.optional { try $0.string() }
            case .note: event.note = try reader.optional { try $0.string() }
            case .registryNumber: event.registryNumber = try reader.optional { try $0.string() }
            case .days: event.days = try reader.optional { Int(try $0.counter("days", in: 0...1_000)) }
            case .satisfaction:
                event.satisfaction = try reader.optional { reader in
                    guard let value = Satisfaction(rawValue: try reader.string()) else {
                        throw reader.corrupt("unknown satisfaction")
                    }
                    return value
                }
            case nil: throw ModelError.unknownKey(key, owner: ("An incident event", "事件步骤"))
            }
        }
        guard let action else { throw reader.missing("action") }
        guard let known = IncidentAction(rawValue: action) else {
            throw ModelError.unknownName(action, field: "action", what: ("incident action", "事件操作"))
        }
        event.action = known
        return event
    }
}

extension SyncOperation: CanonicalJSONReadable {
    static func read(from reader: inout CanonicalReader) throws -> SyncOperation {
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
            switch CodingKeys(rawValue: key) {
            case .dot: dot = try Dot.read(from: &reader)
            case .context: context = try VersionVector.read(from: &reader)
            case .hlc: hlc = try HLCTimestamp.read(from: &reader)
            case .type: type = try reader.string()
            case .id: id = try reader.string()
            case .kind: kind = try reader.string()
            case .field: field = try reader.string()
            case .element: element = try reader.string()
            case .fields: fields = try FieldValue.readFields(from: &reader)
            case .event: event = try IncidentEvent.read(from: &reader)
            case nil: try reader.skipValue()
            }
        }
        guard let kind else { throw reader.missing("kind") }
        guard let known = Kind(rawValue: kind) else {
            throw ModelError.unknownName(kind, field: "kind", what: ("operation kind", "操作类型"))
        }
        let allowed = commonKeys.union(payloadKeys(of: known)).map(\.rawValue)
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
        return SyncOperation(dot: dot, context: context, hlc: hlc, type: recordType, id: id, payload: payload)
    }
}

extension RecordType: CanonicalJSONReadable {
    static func read(from reader: inout CanonicalReader) throws -> RecordType {
        guard let value = RecordType(rawValue: try reader.string()) else { throw reader.corrupt("unknown record type") }
        return value
    }
}

extension RecordState: CanonicalJSONReadable {
    static func read(from reader: inout CanonicalReader) throws -> RecordState {
        var type: RecordType?
        var id: String?
        var clock: VersionVector?
        var registers: [String: [RegisterValue]]?
        var sets: [String: [SetEntry]]?
        var events: [EventEntry]?
        try reader.object { reader, key in
            switch key {
            case "type": type = try RecordType.read(from: &reader)
            case "id": id = try reader.string()
            case "clock": clock = try VersionVector.read(from: &reader)
            case "registers":
                var result: [String: [RegisterValue]] = [:]
                try reader.object { reader, field in result[field] = try reader.array(RegisterValue.read) }
                registers = result
            case "sets":
                var result: [String: [SetEntry]] = [:]
                try reader.object { reader, field in result[field] = try reader.array(SetEntry.read) }
                sets = result
            case "events": events = try reader.array(EventEntry.read)
            default: try reader.skipValue()
            }
        }
        guard let type else { throw reader.missing("type") }
        guard let id else { throw reader.missing("id") }
        guard let clock else { throw reader.missing("clock") }
        guard let registers else { throw reader.missing("registers") }
        guard let sets else { throw reader.missing("sets") }
        guard let events else { throw reader.missing("events") }
        return RecordState(type: type, id: id, clock: clock, registers: registers, sets: sets, events: events)
    }
}

extension RegisterValue {
    static func read(from reader: inout CanonicalReader) throws -> RegisterValue {
        var dot: Dot?
        var hlc: HLCTimestamp?
        var value: FieldValue?
        try reader.object { reader, key in
            switch key {
            case "dot": dot = try Dot.read(from: &reader)
            case "hlc": hlc = try HLCTimestamp.read(from: &reader)
            case "value": value = try FieldValue.read(from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let dot, let hlc, let value else { throw reader.missing("value") }
        return RegisterValue(dot: dot, hlc: hlc, value: value)
    }
}

extension SetEntry {
    static func read(from reader: inout CanonicalReader) throws -> SetEntry {
        var dot: Dot?
        var element: String?
        try reader.object { reader, key in
            switch key {
            case "dot": dot = try Dot.read(from: &reader)
            case "element": element = try reader.string()
            default: try reader.skipValue()
            }
        }
        guard let dot, let element else { throw reader.missing("element") }
        return SetEntry(element: element, dot: dot)
    }
}

extension EventEntry {
    static func read(from reader: inout CanonicalReader) throws -> EventEntry {
        var dot: Dot?
        var hlc: HLCTimestamp?
        var event: IncidentEvent?
        try reader.object { reader, key in
            switch key {
            case "dot": dot = try Dot.read(from: &reader)
            case "hlc": hlc = try HLCTimestamp.read(from: &reader)
            case "event": event = try IncidentEvent.read(from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let dot, let hlc, let event else { throw reader.missing("event") }
        return EventEntry(dot: dot, hlc: hlc, event: event)
    }
}

extension SyncRequest: CanonicalJSONReadable {
    static func read(from reader: inout CanonicalReader) throws -> SyncRequest {
        var version: Int?
        var batchId: String?
        var cursor: UInt64?
        var operations: [SyncOperation]?
        var store: StoreEpoch?
        var recovered: StoreRecovery?
        var seen: [String] = []
        try reader.object { reader, key in
            guard !seen.contains(key) else { throw reader.duplicate(key) }
            seen.append(key)
            switch key {
            case "protocolVersion": version = Int(try reader.counter("protocolVersion", in: 0...1_000_000))
            case "batchId":
                let text = try reader.string()
                guard WireLimits.isValidBatchId(text) else {
                    throw ModelError.invalid(
                        LocalizedText(
                            "A batchId is 1 to \(WireLimits.maxBatchIdLength) characters of letters, digits, '.', '_', ':' or '-'.",
                            zh: "batchId 必须是1到\(WireLimits.maxBatchIdLength)个字母、数字、“.”、“_”、“:”或“-”。"
                        )
                    )
                }
                batchId = text
            case "cursor": cursor = try reader.counter("cursor")
            case "operations": operations = try reader.array(SyncOperation.read)
            case "store": store = try reader.optional(StoreEpoch.read)
            case "recovered": recovered = try reader.optional(StoreRecovery.read)
            default: try reader.skipValue()
            }
        }
        guard let version else { throw reader.missing("protocolVersion") }
        guard let batchId else { throw reader.missing("batchId") }
        guard let cursor else { throw reader.missing("cursor") }
        guard let operations else { throw reader.missing("operations") }
        return SyncRequest(
            protocolVersion: version,
            batchId: batchId,
            cursor: cursor,
            operations: operations,
            store: store,
            recovered: recovered
        )
    }
}

extension StoreRecovery {
    static func read(from reader: inout CanonicalReader) throws -> StoreRecovery {
        var resent: UInt64?
        var lost: UInt64?
        try reader.object { reader, key in
            switch key {
            case "resent": resent = try reader.counter("resent")
            case "lost": lost = try reader.counter("lost")
            default: try reader.skipValue()
            }
        }
        guard let resent else { throw reader.missing("resent") }
        guard let lost else { throw reader.missing("lost") }
        return StoreRecovery(resent: resent, lost: lost)
    }
}

extension StoreEpoch {
    static func read(from reader: inout CanonicalReader) throws -> StoreEpoch {
        var generation: UInt64?
        var id: String?
        try reader.object { reader, key in
            switch key {
            case "generation": generation = try reader.counter("generation")
            case "id": id = try reader.string()
            default: try reader.skipValue()
            }
        }
        guard let generation else { throw reader.missing("generation") }
        guard let id else { throw reader.missing("id") }
        guard isValidId(id) else { throw ModelError.invalidValue(field: "store", reason: .type) }
        return StoreEpoch(generation: generation, id: id)
    }
}

extension SyncResponse: CanonicalJSONReadable {
    static func read(from reader: inout CanonicalReader) throws -> SyncResponse {
        var acknowledged: UInt64?
        var operations: [SyncOperation]?
        var cursor: UInt64?
        var hasMore: Bool?
        var serverTime: UInt64?
        var setAside: [SetAsideNotice]?
        var store: StoreEpoch?
        var digest: String?
        var unreadable: [Data] = []
        try reader.object { reader, key in
            switch key {
            case "acknowledgedThrough": acknowledged = try reader.counter("acknowledgedThrough")
            case "operations":
                operations = try reader.array { reader in try reader.tolerating(SyncOperation.read) }.compactMap {
                    switch $0 {
                    case .success(let operation): return operation
                    case .failure(let skipped):
                        unreadable.append(skipped.bytes)
                        return nil
                    }
                }
            case "cursor": cursor = try reader.counter("cursor")
            case "hasMore": hasMore = try reader.bool()
            case "serverTime": serverTime = try reader.counter("serverTime")
            case "setAside": setAside = try reader.optional { try $0.array(SetAsideNotice.read) }
            case "digest": digest = try reader.optional { try $0.string() }
            case "store": store = try reader.optional(StoreEpoch.read)
            default: try reader.skipValue()
            }
        }
        guard let acknowledged, let operations, let cursor, let hasMore, let serverTime else {
            throw reader.missing("acknowledgedThrough")
        }
        var response = SyncResponse(
            acknowledgedThrough: acknowledged,
            operations: operations,
            cursor: cursor,
            hasMore: hasMore,
            serverTime: serverTime,
            setAside: setAside,
            store: store,
            digest: digest
        )
        response.unreadable = unreadable
        return response
    }
}

extension SetAsideNotice {
    static func read(from reader: inout CanonicalReader) throws -> SetAsideNotice {
        var dot: Dot?
        var code: String?
        var message = ""
        var messageZh = ""
        try reader.object { reader, key in
            switch key {
            case "dot": dot = try Dot.read(from: &reader)
            case "code": code = try reader.string()
            case "message": message = try reader.string()
            case "messageZh": messageZh = try reader.string()
            default: try reader.skipValue()
            }
        }
        guard let dot, let code else { throw reader.missing("dot") }
        return SetAsideNotice(dot: dot, code: code, message: LocalizedText(message, zh: messageZh))
    }
}

extension GridNode: CanonicalJSONReadable {
    static func read(from reader: inout CanonicalReader) throws -> GridNode {
        var id: String?
        var parentID: String?
        var level: GridLevel?
        var name: String?
        var kind: Kind?
        var lines: Set<LineOfWork>?
        try reader.object { reader, key in
            switch CodingKeys(rawValue: key) {
            case .id: id = try reader.string()
            case .parentID: parentID = try reader.optional { try $0.string() }
            case .level:
                guard let value = GridLevel(rawValue: try reader.integer(Int.self)) else {
                    throw reader.corrupt("unknown level")
                }
                level = value
            case .name: name = try reader.string()
            case .kind:
                guard let value = Kind(rawValue: try reader.string()) else { throw reader.corrupt("unknown grid kind") }
                kind = value
            case .linesOfWork:
                lines = Set(
                    try reader.array { reader in
                        guard let line = LineOfWork(rawValue: try reader.string()) else {
                            throw reader.corrupt("unknown line of work")
                        }
                        return line
                    }
                )
            case nil: try reader.skipValue()
            }
        }
        guard let id, let level, let name, let kind, let lines else { throw reader.missing("id") }
        return GridNode(id: id, parentID: parentID, level: level, name: name, kind: kind, linesOfWork: lines)
    }
}

extension WorkCalendar: CanonicalJSONReadable {
    static func read(from reader: inout CanonicalReader) throws -> WorkCalendar {
        var holidays: Set<CalendarDate> = []
        var workdays: Set<CalendarDate> = []
        func dates(_ reader: inout CanonicalReader) throws -> Set<CalendarDate> {
            Set(
                try reader.array { reader in
                    guard let date = CalendarDate(try reader.string()) else {
                        throw reader.corrupt("a date is YYYY-MM-DD")
                    }
                    return date
                }
            )
        }
        try reader.object { reader, key in
            switch key {
            case "holidays": holidays = try dates(&reader)
            case "workdays": workdays = try dates(&reader)
            default: try reader.skipValue()
            }
        }
        return WorkCalendar(holidays: holidays, makeUpWorkdays: workdays)
    }
}

extension SnapshotPage: CanonicalJSONReadable {
    static func read(from reader: inout CanonicalReader) throws -> SnapshotPage {
        var cursor: UInt64?
        var grids: [GridNode]?
        var records: [RecordState]?
        var nextAfter: String?
        var recordCount: Int?
        var calendar: WorkCalendar?
        try reader.object { reader, key in
            switch key {
            case "cursor": cursor = try reader.counter("cursor")
            case "grids": grids = try reader.array(limit: 1_000_000, GridNode.read)
            case "records": records = try reader.array(RecordState.read)
            case "nextAfter": nextAfter = try reader.optional { try $0.string() }
            case "recordCount": recordCount = try reader.optional { Int(try $0.counter("recordCount")) }
            case "calendar": calendar = try reader.optional(WorkCalendar.read)
            default: try reader.skipValue()
            }
        }
        guard let cursor, let grids, let records else { throw reader.missing("cursor") }
        return SnapshotPage(
            cursor: cursor,
            grids: grids,
            records: records,
            nextAfter: nextAfter,
            recordCount: recordCount,
            calendar: calendar
        )
    }
}
