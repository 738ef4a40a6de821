/// Where an incident stands, as the fold of its events says.
public enum IncidentStatus: String, Sendable, Codable, CaseIterable {
    /// 已上报: written in the field, not yet registered by the server.
    case reported
    /// 已受理/挂号: registered with a number; the village handles it unless it goes elsewhere.
    case registered
    /// 已派遣: sent to a handling unit, waiting for it to sign.
    case dispatched
    /// 处置中
    case inHandling
    /// 申请延时中
    case extensionRequested
    /// 申请退办中
    case returnRequested
    /// 已上报上级: moved up a level, waiting for that level to act.
    case escalated
    /// 已反馈: the result is reported, waiting for verification.
    case feedback
    /// 核查中
    case verifying
    /// 已结案/销号
    case closed
    /// 已注销
    case cancelled
    /// 已重新打开
    case reopened

    /// Closed and cancelled incidents need nothing more from anyone.
    public var isOpen: Bool { self != .closed && self != .cancelled }
}
