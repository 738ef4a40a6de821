/// The incident lifecycle as a transition table: which action is allowed in which status, and where it leads.
///
/// Offline workers at two levels can act on the same incident concurrently, so some steps will
/// arrive in a status that does not allow them. The fold keeps such steps in the history, marked
/// as rejected, instead of dropping them: a supervisor can see what was attempted.
public enum IncidentStateMachine {
    /// The status after `action` in `status`, or nil when the action is not allowed there.
    public static func next(after action: IncidentAction, in status: IncidentStatus) -> IncidentStatus? {
        switch action {
        case .comment:
            return status
        case .register:
            // The registry number is attached whenever the server first sees the incident, even
            // if the village already closed it on the spot; only a fresh report changes status.
            return status == .reported ? .registered : status
        case .yellowCard, .redCard:
            return status.isOpen ? status : nil
        default:
            return table[status]?[action]
        }
    }

    private static let handlingStart: [IncidentAction: IncidentStatus] = [
        .dispatch: .dispatched, .sign: .inHandling, .handle: .inHandling, .selfClose: .closed,
        .escalate: .escalated, .feedback: .feedback,
    ]

    private static let table: [IncidentStatus: [IncidentAction: IncidentStatus]] = [
        .reported: [.selfClose: .closed, .cancel: .cancelled, .escalate: .escalated],
        .registered: handlingStart.merging([.cancel: .cancelled]) { $1 },
        .reopened: handlingStart,
        .escalated: handlingStart,
        .dispatched: [
            .sign: .inHandling, .requestReturn: .returnRequested, .escalate: .escalated, .dispatch: .dispatched,
        ],
        .inHandling: [
            .handle: .inHandling, .requestExtension: .extensionRequested, .requestReturn: .returnRequested,
            .feedback: .feedback, .escalate: .escalated, .dispatch: .dispatched,
        ],
        .extensionRequested: [
            .approveExtension: .inHandling, .rejectExtension: .inHandling, .escalate: .escalated, .feedback: .feedback,
        ],
        .returnRequested: [.rejectReturn: .inHandling, .dispatch: .dispatched, .escalate: .escalated],
        .feedback: [.verify: .verifying, .verifyFail: .inHandling, .close: .closed],
        .verifying: [.verifyFail: .inHandling, .close: .closed],
        .closed: [.reopen: .reopened],
        .cancelled: [.reopen: .reopened],
    ]
}
