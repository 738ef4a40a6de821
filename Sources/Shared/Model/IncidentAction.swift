/// What a step in an incident's life does, by its protocol name.
///
/// Codable for the command-line views that print it in `--json`; on the wire it is its raw value,
/// written by ``IncidentEvent/write(to:)``.
public enum IncidentAction: String, Sendable, Codable, CaseIterable {
    /// 受理/挂号: the server registers the incident and gives it a registry number.
    case register
    /// 自办自结: solved on the spot by the grid or village.
    case selfClose
    /// 派遣/交办: sent to a grid or a county department to handle.
    case dispatch
    /// 签收: the handling unit takes it on.
    case sign
    /// 办理: handling under way (a progress note).
    case handle
    /// 申请延时: the handler asks for more working days, with a reason.
    case requestExtension
    /// 同意延时
    case approveExtension
    /// 不同意延时: handling continues on the original deadline.
    case rejectExtension
    /// 申请退办: the handler says it is outside their remit, with a reason.
    case requestReturn
    /// 不同意退办: back to handling.
    case rejectReturn
    /// 上报上级: moved one level up (village → township → county).
    case escalate
    /// 反馈: the handler reports the result.
    case feedback
    /// 核查: the reporter starts checking the result on site.
    case verify
    /// 核查不通过: the result does not hold; back to handling.
    case verifyFail
    /// 结案/销号: closed, with the residents' satisfaction.
    case close
    /// 注销/不予受理: invalid or a duplicate.
    case cancel
    /// 重新打开
    case reopen
    /// 黄牌督办: a yellow supervision card.
    case yellowCard
    /// 红牌督办: a red supervision card.
    case redCard
    /// 备注: a comment that changes nothing.
    case comment

    var needsTarget: Bool { self == .dispatch || self == .escalate }
    var needsNote: Bool { [.requestExtension, .requestReturn, .verifyFail, .cancel].contains(self) }
}
