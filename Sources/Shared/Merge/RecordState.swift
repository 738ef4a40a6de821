/// The merged state of one record: every live value of every field, and the record's causal context.
///
/// This is the CRDT at the heart of GridSync. Registers are multi-value registers: a write
/// replaces exactly the values its context covers, so concurrent writes stay side by side as
/// siblings until a write that saw them all resolves them. Set fields are add-wins observed-remove
/// sets. Incident events are a grow-only set. ``apply(_:)`` is deterministic, and because every
/// replica applies a record's operations in causal order and skips duplicates, any delivery order
/// and any number of retries give the same state.
public struct RecordState: Hashable, Sendable {
    public let type: RecordType
    public let id: String
    /// Every operation applied to this record; the context of the next local write.
    public private(set) var clock: VersionVector
    /// Live values of each register field, sorted by dot; more than one means a conflict.
    public private(set) var registers: [String: [RegisterValue]]
    /// Live entries of each set field, sorted by element then dot.
    public private(set) var sets: [String: [SetEntry]]
    /// The incident history, in fold order (HLC, then dot).
    public private(set) var events: [EventEntry]

    public init(type: RecordType, id: String) {
        self.type = type
        self.id = id
        clock = VersionVector()
        registers = [:]
        sets = [:]
        events = []
    }

    /// A record exactly as stored, for readers of the canonical form.
    init(
        type: RecordType,
        id: String,
        clock: VersionVector,
        registers: [String: [RegisterValue]],
        sets: [String: [SetEntry]],
        events: [EventEntry]
    ) {
        self.type = type
        self.id = id
        self.clock = clock
        self.registers = registers
        self.sets = sets
        self.events = events
    }

    public var key: RecordKey { RecordKey(type: type, id: id) }

    /// What applying an operation would do, given what this record has already seen.
    public enum Readiness: Sendable, Equatable {
        /// Apply it now.
        case ready
        /// Already applied: a retry or a replay; skipping it is the idempotence.
        case duplicate
        /// It depends on operations not applied yet; hold it until they are.
        case waiting
    }

    public func readiness(of operation: SyncOperation) -> Readiness {
        if clock.covers(operation.dot) { return .duplicate }
        return clock.dominates(operation.context) ? .ready : .waiting
    }

    /// Applies an operation whose readiness is ``Readiness/ready``.
    public mutating func apply(_ operation: SyncOperation) {
        precondition(readiness(of: operation) == .ready, "apply() needs a causally ready operation")
        let context = operation.context
        switch operation.payload {
        case .create(let fields), .set(let fields), .log(let fields):
            for (name, value) in fields { write(name, value, operation) }
        case .tombstone:
            write(RecordSchema.deletedField, .boolean(true), operation)
        case .add(let field, let element):
            var entries = sets[field, default: []].filter { !($0.element == element && context.covers($0.dot)) }
            let entry = SetEntry(element: element, dot: operation.dot)
            entries.insert(entry, at: entries.firstIndex { entry < $0 } ?? entries.endIndex)
            sets[field] = entries
        case .remove(let field, let element):
            let entries = sets[field, default: []].filter { !($0.element == element && context.covers($0.dot)) }
            sets[field] = entries.isEmpty ? nil : entries
        case .event(let event):
            let entry = EventEntry(dot: operation.dot, hlc: operation.hlc, event: event)
            events.insert(entry, at: events.firstIndex { entry < $0 } ?? events.endIndex)
        }
        clock.add(operation.dot)
    }

    private mutating func write(_ field: String, _ value: FieldValue, _ operation: SyncOperation) {
        var siblings = registers[field, default: []].filter { !operation.context.covers($0.dot) }
        let written = RegisterValue(dot: operation.dot, hlc: operation.hlc, value: value)
        siblings.insert(written, at: siblings.firstIndex { written.dot < $0.dot } ?? siblings.endIndex)
        registers[field] = siblings
    }

    // MARK: Reading

    /// The value everyone sees: among concurrent siblings, the greatest HLC, then the greatest replica id.
    public func visibleValue(of field: String) -> FieldValue? {
        registers[field]?.max(by: RegisterValue.visibleOrder)?.value
    }

    /// The elements of a set field, sorted.
    public func elements(of field: String) -> [String] {
        var seen = Set<String>()
        return sets[field, default: []].compactMap { seen.insert($0.element).inserted ? $0.element : nil }
    }

    /// The newest HLC reading among the record's live values and events; a server write ticks past
    /// it, so its events fold after everything the record already holds, even from laptops whose
    /// clocks run ahead.
    public var latestHLC: HLCTimestamp {
        let values = registers.values.lazy.flatMap { $0 }.map(\.hlc).max() ?? .zero
        return max(values, events.last?.hlc ?? .zero)
    }

    /// The newest HLC reading among the values and events `context` covers, leaving out the dots
    /// in `excluded`: what the author of an operation with that context had seen, so its own
    /// reading must order after it.
    public func latestHLC(seenBy context: VersionVector, excluding excluded: Set<Dot> = []) -> HLCTimestamp {
        var latest = HLCTimestamp.zero
        for values in registers.values {
            for value in values where value.hlc > latest && context.covers(value.dot) && !excluded.contains(value.dot) {
                latest = value.hlc
            }
        }
        for entry in events where entry.hlc > latest && context.covers(entry.dot) && !excluded.contains(entry.dot) {
            latest = entry.hlc
        }
        return latest
    }

    /// Gives the values and events written by the operations in `readings` their new clock
    /// readings: a laptop whose clock ran ahead re-stamps what nobody has seen yet.
    public mutating func restamp(_ readings: [Dot: HLCTimestamp]) {
        for (field, values) in registers {
            registers[field] = values.map { value in
                readings[value.dot].map { RegisterValue(dot: value.dot, hlc: $0, value: value.value) } ?? value
            }
        }
        events = events.map { entry in
            readings[entry.dot].map { EventEntry(dot: entry.dot, hlc: $0, event: entry.event) } ?? entry
        }
        .sorted()
    }

    /// True once a tombstone is the visible value of the record's `deleted` register.
    public var isDeleted: Bool { visibleValue(of: RecordSchema.deletedField) == .boolean(true) }

    /// Every register field with concurrent values, sorted by field name.
    public var conflicts: [Conflict] {
        registers.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }.map {
            Conflict(record: key, field: $0.key, values: $0.value)
        }
    }
}

/// One live value of a register field, with who wrote it (the dot's replica) and when (the HLC).
public struct RegisterValue: Hashable, Sendable {
    public let dot: Dot
    public let hlc: HLCTimestamp
    public let value: FieldValue

    /// Orders siblings for the visible value: greatest HLC wins, then greatest replica id.
    static func visibleOrder(_ lhs: RegisterValue, _ rhs: RegisterValue) -> Bool {
        (lhs.hlc, lhs.dot.replica, lhs.dot.counter) < (rhs.hlc, rhs.dot.replica, rhs.dot.counter)
    }
}

/// One live element of an add-wins set, tagged with the dot of the add that put it there.
public struct SetEntry: Hashable, Sendable, Comparable {
    public let element: String
    public let dot: Dot

    public static func < (lhs: SetEntry, rhs: SetEntry) -> Bool { (lhs.element, lhs.dot) < (rhs.element, rhs.dot) }
}

/// One step in an incident's history as stored: the event and the operation's dot and HLC.
public struct EventEntry: Hashable, Sendable, Comparable {
    public let dot: Dot
    public let hlc: HLCTimestamp
    public let event: IncidentEvent

    /// The fold order: HLC, then replica, then counter.
    public static func < (lhs: EventEntry, rhs: EventEntry) -> Bool { (lhs.hlc, lhs.dot) < (rhs.hlc, rhs.dot) }
}
