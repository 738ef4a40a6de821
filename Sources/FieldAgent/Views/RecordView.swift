import ConsoleSupport
import Foundation
import Shared

/// A record as `list`, `show` and `--json` present it: visible values, set elements, every
/// conflict with all its values, and for incidents the folded status and history.
struct RecordView: Encodable {
    let type: RecordType
    let id: String
    let gridId: String
    /// The visible value of each register field (conflicted fields show the winner here too).
    let fields: [String: FieldValue]
    let sets: [String: [String]]
    let conflicts: [ConflictView]
    let deleted: Bool
    let incident: IncidentView?

    init(_ state: RecordState) {
        type = state.type
        id = state.id
        gridId = state.visibleValue(of: "gridId")?.stringValue ?? ""
        var fields: [String: FieldValue] = [:]
        for name in state.registers.keys where name != RecordSchema.deletedField {
            fields[name] = state.visibleValue(of: name)
        }
        self.fields = fields
        sets = Dictionary(uniqueKeysWithValues: state.sets.keys.map { ($0, state.elements(of: $0)) })
        conflicts = state.conflicts.map(ConflictView.init)
        deleted = state.isDeleted
        incident = IncidentState(record: state).map(IncidentView.init)
    }

    /// The text of a field for people, or "-" when it has none.
    func text(_ field: String) -> String {
        if let value = fields[field], value != .null { return value.description }
        if let elements = sets[field], !elements.isEmpty { return elements.joined(separator: ", ") }
        return "-"
    }
}

/// One conflicted field with every concurrent value, who wrote it and when.
struct ConflictView: Encodable {
    let type: RecordType
    let id: String
    let field: String
    /// The value everyone sees until someone edits the field again.
    let visible: FieldValue
    let values: [Value]

    struct Value: Encodable {
        let value: FieldValue
        /// The replica (laptop, or 0 for the server) that wrote it.
        let replica: UInt32
        let counter: UInt64
        /// When, in milliseconds since 1970 (the writer's hybrid clock).
        let writtenAt: UInt64
    }

    init(_ conflict: Conflict) {
        type = conflict.record.type
        id = conflict.record.id
        field = conflict.field
        visible = conflict.visible.value
        values = conflict.values.map {
            Value(
                value: $0.value,
                replica: $0.dot.replica.rawValue,
                counter: $0.dot.counter,
                writtenAt: $0.hlc.wallMilliseconds
            )
        }
    }
}

/// An incident's folded state: status, registry number, who holds it, and each step.
struct IncidentView: Encodable {
    let status: IncidentStatus
    /// Nil until the server's registration arrives: shown as pending registration.
    let registryNumber: String?
    let responsibleNode: String
    let cards: [IncidentAction]
    let satisfaction: IncidentEvent.Satisfaction?
    let history: [Step]

    struct Step: Encodable {
        let action: IncidentAction
        let node: String?
        let target: String?
        let note: String?
        let replica: UInt32
        let at: UInt64
        let from: IncidentStatus
        let to: IncidentStatus
        /// False for a step the lifecycle did not allow when it met it; kept and shown, never dropped.
        let accepted: Bool
    }

    init(_ state: IncidentState) {
        status = state.status
        registryNumber = state.registryNumber
        responsibleNode = state.responsibleNode
        cards = state.cards
        satisfaction = state.satisfaction
        history = state.history.map {
            Step(
                action: $0.entry.event.action,
                node: $0.entry.event.node,
                target: $0.entry.event.target,
                note: $0.entry.event.note,
                replica: $0.entry.dot.replica.rawValue,
                at: $0.entry.hlc.wallMilliseconds,
                from: $0.from,
                to: $0.to,
                accepted: $0.accepted
            )
        }
    }
}
