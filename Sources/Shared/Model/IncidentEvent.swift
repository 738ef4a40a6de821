/// One step in an incident's history (流转记录): who did what, where, and with what opinion.
///
/// Events are only ever added. Who acted and when come from the operation that carries the event
/// (its dot and HLC); the event holds the rest.
public struct IncidentEvent: Hashable, Sendable {
    public var action: IncidentAction
    /// The grid node (or department) the actor acted for; its level is the level of the step.
    public var node: String?
    /// Where the incident goes: the node it is dispatched or escalated to.
    public var target: String?
    /// The actor's opinion or reason (意见), required where the county asks for one.
    public var note: String?
    /// The residents' satisfaction, given when the incident is closed.
    public var satisfaction: Satisfaction?
    /// The registry number (挂号) the server gives on registration.
    public var registryNumber: String?
    /// Working days asked for or granted with an extension (申请延时); on `register`, `dispatch`
    /// and `escalate`, the working days the node taking the incident on has to handle it.
    public var days: Int?

    public init(
        action: IncidentAction,
        node: String? = nil,
        target: String? = nil,
        note: String? = nil,
        satisfaction: Satisfaction? = nil,
        registryNumber: String? = nil,
        days: Int? = nil
    ) {
        self.action = action
        self.node = node
        self.target = target
        self.note = note
        self.satisfaction = satisfaction
        self.registryNumber = registryNumber
        self.days = days
    }

    /// 满意度. Codable for the command-line views that print it (`incident show --json`); on the
    /// wire it is its raw value, written by ``IncidentEvent/write(to:)``.
    public enum Satisfaction: String, Sendable, Codable, CaseIterable {
        /// 满意
        case satisfied
        /// 基本满意
        case basicallySatisfied
        /// 不满意
        case dissatisfied
    }

    /// Refuses events that lack what their action needs, before anything is written.
    public func validate() throws(ModelError) {
        if let node, !GridNode.isValidID(node) { throw .invalidValue(field: "node", reason: .gridNodeID) }
        if let target, !GridNode.isValidID(target) { throw .invalidValue(field: "target", reason: .gridNodeID) }
        if action.needsTarget && target == nil { throw .invalidValue(field: "target", reason: .required) }
        if action.needsNote && (note ?? "").trimmingWhitespace.isEmpty {
            throw .invalidValue(field: "note", reason: .required)
        }
        if let note, !note.isPlainText(maxLength: 2000) {
            throw .invalidValue(field: "note", reason: .textLength(2000))
        }
        if action == .close && satisfaction == nil { throw .invalidValue(field: "satisfaction", reason: .required) }
        if action == .register && registryNumber == nil {
            throw .invalidValue(field: "registryNumber", reason: .required)
        }
        if let days, !(1...30).contains(days) { throw .invalidValue(field: "days", reason: .range(1...30)) }
    }
}
