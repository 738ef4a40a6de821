/// The deadline an incident is held to at the node now responsible for it, and where it goes
/// when that deadline passes (DESIGN.md §7): the server's escalation sweep and every view of an
/// incident count it the same way.
extension IncidentState {
    /// Whether the incident is being handled against a deadline: registered and not yet closed,
    /// cancelled, or waiting for verification of a reported result.
    public var isOnTheClock: Bool {
        guard registeredAt != nil, status.isOpen else { return false }
        return status != .feedback && status != .verifying && status != .reported
    }

    /// The deadline at the responsible node: its allowance (3 working days at village level and
    /// below, 5 at township, department or county) plus any approved extension, from when the
    /// node took the incident on. Nil when the incident is not on the clock.
    ///
    /// The allowance is the one the event that gave the node the incident carried, so every
    /// replica counts the same deadline even when it does not know the node; `tree` decides only
    /// for events that carried none.
    public func deadline(in tree: GridTree, calendar: WorkCalendar) -> Deadline? {
        guard isOnTheClock, let start = responsibleSince else { return nil }
        let days = allowance ?? tree.allowance(at: responsibleNode)
        return Deadline(start: start, workingDays: days + extensionDays, calendar: calendar)
    }
}

extension GridTree {
    /// Where an incident goes one level up from `node`: from a village-level grid (levels 2–4) to
    /// its township, from a township or a department to the county office; nil at the county.
    public func escalationTarget(from node: String) -> String? {
        guard let current = nodes[node] else { return nil }
        switch current.level {
        case .county: return nil
        case .township: return root.id
        default:
            var ancestor: GridNode? = current
            while let next = ancestor, next.level != .township { ancestor = next.parentID.flatMap { nodes[$0] } }
            return ancestor?.id
        }
    }

    /// The working days a node has to handle an incident; a node this tree does not hold gets
    /// the longer allowance (events that start a deadline carry theirs, so this is a fallback).
    public func allowance(at node: String) -> Int {
        nodes[node]?.workingDaysAllowed ?? 5
    }
}
