/// 户: a household, the unit a grid worker visits and keeps a ledger of (一个网格一本台账).
///
/// A household lives in exactly one level-4 grid. Its members are ``Resident`` records that name
/// the household and their relation to its head. It is never deleted: a household that leaves
/// gets the status `movedAway` or `deregistered`. Each field merges on its own, so two workers
/// who fix different fields the same day never conflict; per-field `verifiedAt` and `verifiedBy`
/// say how fresh the ledger is (核实).
public enum Household {
    /// 居住类型: how the household holds its dwelling.
    public enum ResidenceType: String, Sendable, CaseIterable {
        /// 自购
        case owned
        /// 租赁
        case rented
        /// 借住
        case lodging
        /// 寄居 (living with relatives)
        case withRelatives
        /// 单位宿舍
        case dormitory
        /// 其他
        case other
    }

    /// 状态: households are never hard-deleted, only marked.
    public enum Status: String, Sendable, CaseIterable {
        /// 在住
        case active
        /// 迁出
        case movedAway
        /// 注销
        case deregistered
    }

    public static let schema = RecordSchema(
        type: .household,
        fields: [
            FieldSpec("gridId", .gridNode, label: LocalizedText("grid", zh: "所属网格"), required: true),
            FieldSpec("householdNumber", .text(maxLength: 32), label: LocalizedText("household number", zh: "户号")),
            FieldSpec("address", .text(maxLength: 200), label: LocalizedText("address", zh: "地址"), required: true),
            FieldSpec(
                "headName",
                .text(maxLength: 50),
                label: LocalizedText("head of household", zh: "户主姓名"),
                required: true,
                sensitive: true
            ),
            FieldSpec("phone", .phone, label: LocalizedText("phone", zh: "联系电话"), sensitive: true),
            FieldSpec(
                "residenceType",
                .oneOf(ResidenceType.allCases.map(\.rawValue)),
                label: LocalizedText("residence type", zh: "居住类型")
            ),
            FieldSpec(
                "registrationMatches",
                .boolean,
                label: LocalizedText("registration matches residence", zh: "人户一致")
            ),
            FieldSpec("status", .oneOf(Status.allCases.map(\.rawValue)), label: LocalizedText("status", zh: "状态")),
            FieldSpec("verifiedAt", .date, label: LocalizedText("last verified on", zh: "最近核实日期")),
            FieldSpec("verifiedBy", .text(maxLength: 50), label: LocalizedText("last verified by", zh: "核实人")),
            FieldSpec("note", .text(maxLength: 1000), label: LocalizedText("note", zh: "备注")),
        ]
    )
}
