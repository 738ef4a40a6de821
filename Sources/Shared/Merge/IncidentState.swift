/// An incident's current status and history: the deterministic fold of its events.
///
/// Events are folded in (HLC, replica, counter) order through ``IncidentStateMachine``. A step the
/// machine does not allow in the status it meets (two levels acting on the same incident offline,
/// say) stays in the history marked as not applied, with the status it met, so nothing a worker
/// did disappears.
public struct IncidentState: Hashable, Sendable {
    public private(set) var status: IncidentStatus = .reported
    /// The registry number (挂号), once the server has registered the incident.
    public private(set) var registryNumber: String?
    /// When the incident was registered; deadlines count from here.
    public private(set) var registeredAt: HLCTimestamp?
    /// The grid where the incident started (its visible `gridId`).
    public let originNode: String
    /// The node now responsible: the grid of origin until it is dispatched or escalated.
    public private(set) var responsibleNode: String
    /// When the responsible node took it on; the current deadline counts from here.
    public private(set) var responsibleSince: HLCTimestamp?
    /// The working days the responsible node has, as the event that gave it the incident said
    /// (registration, dispatch, escalation); nil when no event said, and the node's level decides.
    public private(set) var allowance: Int?
    /// Working days granted by approved extensions at the current node.
    public private(set) var extensionDays = 0
    /// Supervision cards (黄牌/红牌督办), in the order given.
    public private(set) var cards: [IncidentAction] = []
    public private(set) var satisfaction: IncidentEvent.Satisfaction?
    public private(set) var history: [Step] = []

    /// One folded step: the event, the status it met, and whether the machine accepted it.
    public struct Step: Hashable, Sendable {
        public let entry: EventEntry
        public let from: IncidentStatus
        /// The status after the step; equal to `from` when the step was rejected.
        public let to: IncidentStatus
        public let accepted: Bool
    }

    /// Folds the events of an incident record that started in `originNode`.
    public init(originNode: String, events: [EventEntry]) {
        self.originNode = originNode
        responsibleNode = originNode
        for entry in events.sorted() { fold(entry) }
    }

    /// Folds an incident record, or nil when the record is not an incident or its report has not arrived.
    public init?(record: RecordState) {
        guard record.type == .incident, let origin = record.visibleValue(of: "gridId")?.stringValue else { return nil }
        self.init(originNode: origin, events: record.events)
    }

    private mutating func fold(_ entry: EventEntry) {
        let event = entry.event
        let from = status
        guard let to = IncidentStateMachine.next(after: event.action, in: from) else {
            history.append(Step(entry: entry, from: from, to: from, accepted: false))
            return
        }
        status = to
        switch event.action {
        case .register:
            if registryNumber == nil {
                registryNumber = event.registryNumber
                registeredAt = entry.hlc
                responsibleSince = entry.hlc
                allowance = event.days
            }
        case .dispatch, .escalate:
            if let target = event.target { responsibleNode = target }
            responsibleSince = entry.hlc
            allowance = event.days
            extensionDays = 0
        case .reopen:
            responsibleSince = entry.hlc
            extensionDays = 0
        case .approveExtension:
            extensionDays += event.days ?? 0
        case .yellowCard, .redCard:
            cards.append(event.action)
        case .close:
            satisfaction = event.satisfaction
        default:
            break
        }
        history.append(Step(entry: entry, from: from, to: to, accepted: true))
    }
}
