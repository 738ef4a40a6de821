/// 实有人口: a person who lives in, or is registered to, a grid.
///
/// Name, ID number, phones, addresses and care tags are personal information; the tags are
/// sensitive personal information under PIPL Art. 28 (health, specific identity, minors), so
/// they are marked sensitive and never logged. Phones and tags are add-wins sets: two workers
/// who each add a number the same day both keep theirs.
public enum Resident {
    /// 性别
    public enum Sex: String, Sendable, CaseIterable {
        case male, female
    }

    /// 与户主关系
    public enum RelationToHead: String, Sendable, CaseIterable {
        /// 本人或户主
        case head
        /// 配偶
        case spouse
        /// 子
        case son
        /// 女
        case daughter
        /// 父母
        case parent
        /// 孙子女
        case grandchild
        /// 兄弟姐妹
        case sibling
        /// 其他
        case other
    }

    /// 人口类型
    public enum PopulationType: String, Sendable, CaseIterable {
        /// 户籍人口
        case registered
        /// 流动人口
        case floating
        /// 境外人员
        case overseas
        /// 未落户
        case unregistered
    }

    /// 状态
    public enum Status: String, Sendable, CaseIterable {
        /// 在住
        case active
        /// 迁出
        case movedAway
        /// 死亡
        case deceased
        /// 注销
        case deregistered
    }

    /// 关爱/关注标签: care and attention categories, all sensitive.
    public enum CareTag: String, Sendable, CaseIterable {
        /// 留守儿童
        case leftBehindChild
        /// 留守老人
        case leftBehindElderly
        /// 留守妇女
        case leftBehindWoman
        /// 空巢老人
        case emptyNestElderly
        /// 独居老人
        case livingAlone
        /// 残疾
        case disability
        /// 低保
        case subsistenceAllowance
        /// 五保
        case fiveGuarantees
        /// 特困
        case extremeHardship
        /// 刑满释放
        case releasedPrisoner
        /// 社区矫正
        case communityCorrection
        /// 严重精神障碍
        case seriousMentalDisorder
    }

    public static let schema = RecordSchema(
        type: .resident,
        fields: [
            FieldSpec("gridId", .gridNode, label: LocalizedText("grid", zh: "所属网格"), required: true),
            FieldSpec("householdId", .recordID, label: LocalizedText("household", zh: "所属户")),
            FieldSpec(
                "relationToHead",
                .oneOf(RelationToHead.allCases.map(\.rawValue)),
                label: LocalizedText("relation to head", zh: "与户主关系")
            ),
            FieldSpec(
                "name",
                .text(maxLength: 50),
                label: LocalizedText("name", zh: "姓名"),
                required: true,
                sensitive: true
            ),
            FieldSpec("idNumber", .residentIDNumber, label: LocalizedText("ID number", zh: "公民身份号码"), sensitive: true),
            FieldSpec("sex", .oneOf(Sex.allCases.map(\.rawValue)), label: LocalizedText("sex", zh: "性别")),
            FieldSpec("birthDate", .date, label: LocalizedText("birth date", zh: "出生日期"), sensitive: true),
            FieldSpec("ethnicity", .text(maxLength: 20), label: LocalizedText("ethnicity", zh: "民族")),
            FieldSpec(
                "phones",
                .phone,
                merge: .addWinsSet,
                label: LocalizedText("phones", zh: "联系电话"),
                sensitive: true
            ),
            FieldSpec(
                "registeredAddress",
                .text(maxLength: 200),
                label: LocalizedText("registered address", zh: "户籍地址"),
                sensitive: true
            ),
            FieldSpec(
                "currentAddress",
                .text(maxLength: 200),
                label: LocalizedText("current address", zh: "现住地址"),
                sensitive: true
            ),
            FieldSpec(
                "populationType",
                .oneOf(PopulationType.allCases.map(\.rawValue)),
                label: LocalizedText("population type", zh: "人口类型")
            ),
            FieldSpec("status", .oneOf(Status.allCases.map(\.rawValue)), label: LocalizedText("status", zh: "状态")),
            FieldSpec(
                "tags",
                .oneOf(CareTag.allCases.map(\.rawValue)),
                merge: .addWinsSet,
                label: LocalizedText("care tags", zh: "关爱标签"),
                sensitive: true
            ),
            FieldSpec("note", .text(maxLength: 1000), label: LocalizedText("note", zh: "备注"), sensitive: true),
        ]
    )
}
