import ConsoleSupport
import Foundation
import GridSyncAgent
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

    init(_ state: RecordState, supervision: Supervision) {
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
        incident = IncidentState(record: state).map { IncidentView($0, supervision: supervision) }
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

/// What deadlines are counted with: the scope's grid tree, the county's calendar, the time now.
struct Supervision {
    let tree: GridTree
    let calendar: WorkCalendar
    let now: UInt64

    init(_ database: AgentDatabase, now: UInt64 = WallClock.nowMilliseconds()) throws {
        tree = try database.gridTree()
        calendar = try database.calendar()
        self.now = now
    }

    /// The last working day of the incident's current allowance, or nil off the clock.
    func deadline(of incident: IncidentState) -> Deadline? {
        incident.deadline(in: tree, calendar: calendar)
    }
}

/// An incident's folded state: status, registry number, who holds it, its deadline, and each step.
struct IncidentView: Encodable {
    let status: IncidentStatus
    /// Nil until the server's registration arrives: shown as pending registration.
    let registryNumber: String?
    let responsibleNode: String
    /// The last working day of the current allowance; nil when not on the clock.
    let dueDate: String?
    /// Green, yellow (70% of the allowance gone) or red (overdue); nil when not on the clock.
    let light: TrafficLight?
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
        /// The deadline in force when the step was taken (nil when none was running).
        let due: String?
    }

    init(_ state: IncidentState, supervision: Supervision) {
        status = state.status
        registryNumber = state.registryNumber
        responsibleNode = state.responsibleNode
        let deadline = supervision.deadline(of: state)
        dueDate = deadline.map { "\($0.dueDate)" }
        light = deadline?.light(atMilliseconds: supervision.now, calendar: supervision.calendar)
        cards = state.cards
        satisfaction = state.satisfaction
        let entries = state.history.map(\.entry)
        history = state.history.enumerated().map { index, step in
            let before = IncidentState(originNode: state.originNode, events: Array(entries[..<index]))
            let due = supervision.deadline(of: before).map { "\($0.dueDate)" }
            return Step(
                action: step.entry.event.action,
                node: step.entry.event.node,
                target: step.entry.event.target,
                note: step.entry.event.note,
                replica: step.entry.dot.replica.rawValue,
                at: step.entry.hlc.wallMilliseconds,
                from: step.from,
                to: step.to,
                accepted: step.accepted,
                due: due
            )
        }
    }
}
