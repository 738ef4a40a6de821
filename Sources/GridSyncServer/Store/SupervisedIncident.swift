package import Foundation
package import Shared

/// An incident as the county supervises it: where it stands, who holds it, and its deadline.
package struct SupervisedIncident: Sendable, Encodable {
    package let id: String
    package let registryNumber: String?
    package let gridId: String
    let category: String
    package let status: IncidentStatus
    package let responsibleNode: String
    /// The responsible node's level (0 county … 4 group; departments are 1).
    package let level: Int
    /// The last working day of the current allowance; nil when the incident is not on the clock.
    package let dueDate: String?
    package let light: TrafficLight?
    let cards: [IncidentAction]
}

/// One step the escalation sweep took.
package struct EscalationStep: Sendable, Equatable {
    package let incident: String
    package let from: String
    /// Nil when the incident is already at the county and only earned a card.
    package let to: String?
    /// The supervision card given with it; nil for a return as out of remit.
    package let card: IncidentAction?
}
