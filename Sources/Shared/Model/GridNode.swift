/// One node of the county's grid tree (网格), or a county department (职能部门).
///
/// The tree has the county (县) at level 0 and four grid levels below it (一级 to 四级网格): township
/// or sub-district, village or community, village committee member's area, and the villager group
/// or urban grid at level 4 where households live. Every household belongs to exactly one level-4
/// grid (全覆盖、无重叠). Departments hang off the county at level 1 but hold no households; work is
/// dispatched to them.
public struct GridNode: Hashable, Sendable {
    public let id: String
    public let parentID: String?
    public let level: GridLevel
    public let name: String
    public let kind: Kind
    /// The lines of work this grid carries at once (多网合一). Empty means all of them.
    public var linesOfWork: Set<LineOfWork>

    /// Whether a node is urban (城区街道), rural (乡镇) or a county department.
    public enum Kind: String, Sendable, CaseIterable {
        case urban
        case rural
        case department
    }

    /// The lines of work merged into one grid (多网合一).
    public enum LineOfWork: String, Sendable, CaseIterable {
        /// 党建
        case partyBuilding
        /// 综治 (comprehensive governance)
        case governance
        /// 安全 (safety)
        case safety
        /// 防疫 (epidemic prevention)
        case epidemicPrevention
    }

    public init(
        id: String,
        parentID: String?,
        level: GridLevel,
        name: String,
        kind: Kind,
        linesOfWork: Set<LineOfWork> = []
    ) {
        self.id = id
        self.parentID = parentID
        self.level = level
        self.name = name
        self.kind = kind
        self.linesOfWork = linesOfWork
    }

    /// Grid codes are letters, digits, `-` and `_`, 1–64 characters: safe in URLs, files and logs.
    /// Read byte by byte: every operation that names a grid asks, and Unicode properties cost more
    /// than the rest of its check.
    public static func isValidID(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "_")
            }
    }

    /// The deadline allowance for work at this node: 3 working days at village level and below,
    /// 5 at township, department or county level (处置反馈).
    public var workingDaysAllowed: Int {
        kind != .department && level.rawValue >= GridLevel.village.rawValue ? 3 : 5
    }
}

/// The level of a node: 0 is the county, 1–4 the grid levels (一级 to 四级网格).
public enum GridLevel: Int, Sendable, Comparable, CaseIterable {
    /// 县: the county office and its departments' parent.
    case county = 0
    /// 一级网格: township or urban sub-district (乡镇/街道).
    case township = 1
    /// 二级网格: village or community (村/社区).
    case village = 2
    /// 三级网格: the area of a village committee member (村"两委").
    case committee = 3
    /// 四级网格: villager group or urban grid, where the households are (村民小组/专职网格).
    case group = 4

    public static func < (lhs: GridLevel, rhs: GridLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
