/// One step in an incident's history (流转记录): who did what, where, and with what opinion.
///
/// Events are only ever added. Who acted and when come from the operation that carries the event
/// (its dot and HLC); the event holds the rest.
public struct IncidentEvent: Hashable, Sendable, Codable {
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

    /// 满意度
    public enum Satisfaction: String, Sendable, Codable, CaseIterable {
        /// 满意
        case satisfied
        /// 基本满意
        case basicallySatisfied
        /// 不满意
        case dissatisfied
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case action, node, target, note, satisfaction, registryNumber, days
    }

    /// Decodes strictly, like ``SyncOperation``: an unknown action or key is refused, never half-understood.
    public init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if let extra = keys.sorted().first(where: { CodingKeys(rawValue: $0) == nil }) {
            throw ModelError.unknownKey(extra, owner: ("An incident event", "事件步骤"))
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let actionName = try container.decode(String.self, forKey: .action)
        guard let action = IncidentAction(rawValue: actionName) else {
            throw ModelError.unknownName(actionName, field: "action", what: ("incident action", "事件操作"))
        }
        self.action = action
        node = try container.decodeIfPresent(String.self, forKey: .node)
        target = try container.decodeIfPresent(String.self, forKey: .target)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        satisfaction = try container.decodeIfPresent(Satisfaction.self, forKey: .satisfaction)
        registryNumber = try container.decodeIfPresent(String.self, forKey: .registryNumber)
        days = try container.decodeIfPresent(Int.self, forKey: .days)
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
