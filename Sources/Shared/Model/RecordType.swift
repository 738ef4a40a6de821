/// The kinds of record that field agents create and sync.
///
/// Grid nodes are not among them: the county office owns the grid tree and the server sends it
/// down with every snapshot.
///
/// Codable besides its canonical codec, for the command-line views that print it in `--json`;
/// both are its raw value.
public enum RecordType: String, Sendable, Codable, CaseIterable, Comparable {
    /// 户: a household and its dwelling.
    case household
    /// 实有人口: a person living in (or registered to) the grid.
    case resident
    /// 事件: a problem found in the grid, with its append-only history.
    case incident
    /// 网格化管理工作日志: a grid worker's daily log; written once, never edited.
    case workLog

    public static func < (lhs: RecordType, rhs: RecordType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// What each record type's fields are and how they merge.
    public var schema: RecordSchema {
        switch self {
        case .household: Household.schema
        case .resident: Resident.schema
        case .incident: Incident.schema
        case .workLog: WorkLog.schema
        }
    }

    /// What people call the record type, in both languages.
    public var label: LocalizedText {
        switch self {
        case .household: LocalizedText("household", zh: "住户")
        case .resident: LocalizedText("resident", zh: "居民")
        case .incident: LocalizedText("incident", zh: "事件")
        case .workLog: LocalizedText("work log", zh: "工作日志")
        }
    }
}
