/// What the role table needs to know of the grid tree: where nodes sit relative to each other.
///
/// The agent answers from the part of the tree it holds (its subtree, its ancestors and the
/// county's departments), the server from its whole store; both run the same table.
public protocol GridPlacement {
    /// True for the county (level 0), which sits above every node.
    func isCounty(_ node: String) -> Bool
    /// True for a county department (职能部门).
    func isDepartment(_ node: String) -> Bool
    /// True when `node` lies strictly below `ancestor`; false for a node this tree does not hold.
    func isBelow(_ node: String, _ ancestor: String) -> Bool
}

extension GridTree: GridPlacement {
    public func isCounty(_ node: String) -> Bool { nodes[node]?.level == .county }

    public func isDepartment(_ node: String) -> Bool { nodes[node]?.kind == .department }

    public func isBelow(_ node: String, _ ancestor: String) -> Bool {
        node != ancestor && nodes[node] != nil && isWithin(node, subtreeOf: ancestor)
    }
}

/// Who may take which incident step (protocol/README.md, "Who may take which step").
///
/// Judged against the incident as the actor saw it (the events its operation's context covers),
/// so an honest agent's check and the server's agree whatever arrived meanwhile; the fold then
/// orders concurrent steps and marks the ones the lifecycle refuses.
public enum IncidentRoles {
    /// Who a step belongs to.
    public enum Role: String, Sendable, CaseIterable {
        /// The node now responsible for the incident (承办).
        case holder
        /// A node strictly above the holder (the county is above every node).
        case aboveHolder
        /// The holder, or a node above it.
        case holderOrAbove
        /// The grid the incident was registered in, or a node above it.
        case originOrAbove
        /// Any node that sees the incident.
        case anyone
        /// The county server only.
        case server
    }

    /// The role each action needs.
    public static func role(of action: IncidentAction) -> Role {
        switch action {
        case .register: .server
        case .selfClose, .sign, .handle, .requestExtension, .requestReturn, .feedback, .escalate: .holder
        case .approveExtension, .rejectExtension, .rejectReturn, .yellowCard, .redCard: .aboveHolder
        case .dispatch, .cancel: .holderOrAbove
        case .verify, .verifyFail, .close, .reopen: .originOrAbove
        case .comment: .anyone
        }
    }

    /// Refuses `event` when `actor` may not take it on `incident` as the actor saw it.
    ///
    /// A dispatch goes down the actor's subtree, to a county department, or anywhere from the
    /// county, never to the actor itself (a fresh allowance for oneself); an escalation goes to
    /// a node above the holder.
    public static func check(
        _ event: IncidentEvent,
        by actor: String,
        on incident: IncidentState,
        in grids: some GridPlacement
    ) throws(ModelError) {
        let holder = incident.responsibleNode
        let above = actor != holder && (grids.isCounty(actor) || grids.isBelow(holder, actor))
        let allowed =
            switch role(of: event.action) {
            case .holder: actor == holder
            case .aboveHolder: above
            case .holderOrAbove: actor == holder || above
            case .originOrAbove:
                actor == incident.originNode || grids.isCounty(actor) || grids.isBelow(incident.originNode, actor)
            case .anyone: true
            case .server: false
            }
        guard allowed else { throw notPermitted(event.action, actor: actor, role: role(of: event.action)) }
        guard let target = event.target else { return }
        switch event.action {
        case .dispatch:
            let down = grids.isBelow(target, actor) || grids.isDepartment(target) || grids.isCounty(actor)
            guard down, target != actor else { throw badTarget(event.action, target: target, actor: actor) }
        case .escalate:
            guard grids.isCounty(target) || grids.isBelow(holder, target) else {
                throw badTarget(event.action, target: target, actor: actor)
            }
        default:
            break
        }
    }

    private static func notPermitted(_ action: IncidentAction, actor: String, role: Role) -> ModelError {
        let who: LocalizedText =
            switch role {
            case .holder: LocalizedText("the node handling the incident", zh: "承办单位")
            case .aboveHolder: LocalizedText("a level above the node handling it", zh: "承办单位的上级")
            case .holderOrAbove: LocalizedText("the node handling it or a level above", zh: "承办单位或其上级")
            case .originOrAbove: LocalizedText("the grid that reported it or a level above", zh: "事发网格或其上级")
            case .anyone: LocalizedText("anyone", zh: "任何人")
            case .server: LocalizedText("the county server", zh: "县级服务器")
            }
        return ModelError(
            code: .notPermitted,
            message: LocalizedText(
                "\(actor) may not take the step \(action.rawValue) on this incident: it belongs to \(who.english).",
                zh: "\(actor) 无权对该事件执行 \(action.rawValue)：此步骤应由\(who.chinese)办理。"
            ),
            field: "action"
        )
    }

    private static func badTarget(_ action: IncidentAction, target: String, actor: String) -> ModelError {
        ModelError(
            code: .notPermitted,
            message: LocalizedText(
                action == .dispatch
                    ? "\(actor) may not dispatch to \(target): a dispatch goes to a grid below, to a county department, or anywhere from the county."
                    : "\(actor) may not escalate to \(target): an escalation goes to a level above the node handling it.",
                zh: action == .dispatch
                    ? "\(actor) 不能派遣到 \(target)：只能派往下级网格、县职能部门，或由县级派往任意单位。"
                    : "\(actor) 不能上报到 \(target)：只能上报给承办单位的上级。"
            ),
            field: "target"
        )
    }
}

extension IncidentState {
    /// The incident as the author of an operation with `context` saw it: only the events it covers.
    public init?(record: RecordState, seenBy context: VersionVector) {
        guard record.type == .incident, let origin = record.visibleValue(of: "gridId")?.stringValue else { return nil }
        self.init(originNode: origin, events: record.events.filter { context.covers($0.dot) })
    }
}
