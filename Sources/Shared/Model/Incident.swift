/// 事件: a problem found in a grid, followed from report to closing (信息收集、上报挂号、逐级处置、反馈销号).
///
/// The fields below are what the reporter writes once; they merge as registers like any record.
/// Everything that happens afterwards is an ``IncidentEvent`` in an append-only set, and the
/// incident's status is the fold of those events through ``IncidentStateMachine``.
public enum Incident {
    /// 事件类别
    public enum Category: String, Sendable, CaseIterable {
        /// 矛盾纠纷
        case dispute
        /// 安全隐患
        case safetyHazard
        /// 民生服务
        case livelihood
        /// 环境卫生
        case environment
        /// 其他
        case other
    }

    /// 事件来源
    public enum Source: String, Sendable, CaseIterable {
        /// 巡查发现
        case patrol
        /// 群众反映
        case resident
        /// 12345 热线
        case hotline
        /// 上级交办
        case assigned
    }

    /// 紧急程度
    public enum Urgency: String, Sendable, CaseIterable {
        /// 一般
        case normal
        /// 紧急
        case urgent
        /// 重大
        case major
    }

    public static let schema = RecordSchema(
        type: .incident,
        fields: [
            FieldSpec("gridId", .gridNode, label: LocalizedText("grid of origin", zh: "发生网格"), required: true),
            FieldSpec(
                "category",
                .oneOf(Category.allCases.map(\.rawValue)),
                label: LocalizedText("category", zh: "事件类别"),
                required: true
            ),
            FieldSpec("subcategory", .text(maxLength: 50), label: LocalizedText("subcategory", zh: "事件小类")),
            FieldSpec("summary", .text(maxLength: 500), label: LocalizedText("summary", zh: "事件概要"), required: true),
            FieldSpec("source", .oneOf(Source.allCases.map(\.rawValue)), label: LocalizedText("source", zh: "事件来源")),
            FieldSpec("location", .text(maxLength: 200), label: LocalizedText("location", zh: "发生地点")),
            FieldSpec(
                "parties",
                .text(maxLength: 500),
                label: LocalizedText("people involved", zh: "涉及人员"),
                sensitive: true
            ),
            FieldSpec("peopleCount", .integer(0...100_000), label: LocalizedText("number of people", zh: "涉及人数")),
            FieldSpec("urgency", .oneOf(Urgency.allCases.map(\.rawValue)), label: LocalizedText("urgency", zh: "紧急程度")),
        ]
    )
}
