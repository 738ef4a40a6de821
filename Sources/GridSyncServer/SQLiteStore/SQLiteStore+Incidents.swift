import Foundation
import GRDB
package import Shared

extension SQLiteStore {
    /// Every incident with its status and traffic light at `now`, in id order.
    package func supervisedIncidents(now: UInt64) throws -> [SupervisedIncident] {
        try writer.read { db in
            let tree = try GridTree(Row.fetchAll(db, sql: "SELECT * FROM gridNode").map(GridNode.init(row:)))
            let calendar = try Self.calendar(db)
            return try Self.incidents(db).compactMap { record in
                guard let incident = IncidentState(record: record) else { return nil }
                let node = incident.responsibleNode
                let deadline = incident.deadline(in: tree, calendar: calendar)
                return SupervisedIncident(
                    id: record.id,
                    registryNumber: incident.registryNumber,
                    gridId: record.visibleValue(of: "gridId")?.stringValue ?? "",
                    category: record.visibleValue(of: "category")?.stringValue ?? "",
                    status: incident.status,
                    responsibleNode: node,
                    level: tree[node]?.level.rawValue ?? GridLevel.township.rawValue,
                    dueDate: deadline.map { "\($0.dueDate)" },
                    light: deadline?.light(atMilliseconds: now, calendar: calendar),
                    cards: incident.cards
                )
            }
        }
    }

    /// One deadline sweep as at `asOf` (DESIGN.md §7): an incident overdue at a village-level grid goes
    /// to its township with a yellow card, one overdue at a township or department goes to the
    /// county office with a red card, and one returned as out of remit goes one level up. Overdue
    /// at the county, it gets a red card once. Each step is a server event that reaches every
    /// agent whose scope holds the incident at its next sync.
    ///
    /// Incremental: it reads only the open incidents (the `openIncident` index) in a read
    /// transaction, then escalates each due one in a short write transaction of its own, deciding
    /// again there on the stored state, so agents' batches never wait behind a whole sweep.
    /// Running it again changes nothing: an escalated incident's deadline restarts at its new node.
    /// The server's events are stamped at `now`, the real time, even when an operator sweeps as
    /// at a later day: a clock reading in the future would make every agent that saw it look as
    /// if its own clock ran ahead.
    package func sweepDeadlines(asOf: UInt64, now: UInt64, actor: String) throws -> [EscalationStep] {
        let (tree, calendar, due) = try writer.read { db in
            let tree = try GridTree(Row.fetchAll(db, sql: "SELECT * FROM gridNode").map(GridNode.init(row:)))
            let calendar = try Self.calendar(db)
            let due = try Self.openIncidents(db).filter {
                Self.sweepStep(for: $0, asOf: asOf, tree: tree, calendar: calendar) != nil
            }
            return (tree, calendar, due.map(\.key))
        }
        var steps: [EscalationStep] = []
        for key in due {
            let step = try writer.write { db -> EscalationStep? in
                guard let data = try Data.fetchOne(db, sql: Self.loadState, arguments: [key.type.rawValue, key.id]),
                    let step = Self.sweepStep(
                        for: try CanonicalJSON.decode(RecordState.self, from: data),
                        asOf: asOf,
                        tree: tree,
                        calendar: calendar
                    )
                else { return nil }
                var batch = try MergeBatch(over: SQLiteMergeStorage(db), agent: nil, now: now, rules: ExchangeRules())
                let reason =
                    step.card == nil
                    ? "申请退办，上报上一级 / returned as out of remit, sent one level up"
                    : "逾期未办结（期限 \(step.dueDate)）/ overdue (due \(step.dueDate))"
                if let card = step.card {
                    try batch.author(.event(IncidentEvent(action: card, node: tree.root.id, note: reason)), on: key)
                }
                if let target = step.to {
                    let escalate = IncidentEvent(
                        action: .escalate,
                        node: tree.root.id,
                        target: target,
                        note: reason,
                        days: tree.allowance(at: target)
                    )
                    try batch.author(.event(escalate), on: key)
                }
                _ = try batch.finish(batchId: nil, cursor: nil)
                return step.step
            }
            if let step { steps.append(step) }
        }
        if !steps.isEmpty {
            try writer.write { db in
                try Audit.record(
                    db,
                    at: now,
                    actor: actor,
                    action: "escalate",
                    subject: nil,
                    detail: "\(steps.count) incidents"
                )
            }
        }
        return steps
    }

    private static let loadState = "SELECT state FROM record WHERE type = ? AND id = ?"

    /// What the sweep does to one incident as at `asOf`, or nil when it is not due.
    private static func sweepStep(
        for record: RecordState,
        asOf: UInt64,
        tree: GridTree,
        calendar: WorkCalendar
    ) -> (step: EscalationStep, to: String?, card: IncidentAction?, dueDate: CalendarDate)? {
        guard let incident = IncidentState(record: record), incident.isOnTheClock,
            let deadline = incident.deadline(in: tree, calendar: calendar)
        else { return nil }
        let node = incident.responsibleNode
        let returned = incident.status == .returnRequested
        guard returned || deadline.isOverdue(atMilliseconds: asOf) else { return nil }
        let target = tree.escalationTarget(from: node)
        // A return at the county has nowhere to go: the county decides it (rejectReturn, dispatch).
        if returned && target == nil { return nil }
        if target == nil && incident.cards.contains(.redCard) { return nil }
        // A return earns no card; an overdue village-level grid a yellow one, anything above a red one.
        let villageLevel = (tree[node]?.level ?? .township) >= .village
        let card: IncidentAction? = returned ? nil : villageLevel ? .yellowCard : .redCard
        let step = EscalationStep(incident: record.id, from: node, to: target, card: card)
        return (step, target, card, deadline.dueDate)
    }

    /// The incidents not yet closed or cancelled, through their index.
    private static func openIncidents(_ db: Database) throws -> [RecordState] {
        try Data.fetchAll(
            db,
            sql: """
                SELECT record.state FROM openIncident
                JOIN record ON record.type = 'incident' AND record.id = openIncident.id ORDER BY openIncident.id
                """
        ).map { try CanonicalJSON.decode(RecordState.self, from: $0) }
    }

    private static func incidents(_ db: Database) throws -> [RecordState] {
        try Data.fetchAll(db, sql: "SELECT state FROM record WHERE type = 'incident' ORDER BY id").map {
            try CanonicalJSON.decode(RecordState.self, from: $0)
        }
    }
}
