/// What a replica keeps beside a stored record so that lists and snapshots need not decode it:
/// the visible grid, how many fields are in conflict, and the newest clock reading.
///
/// Derived in one place from a record's register siblings and event readings: from a
/// ``RecordState`` held in memory, or streamed from its canonical bytes by ``SnapshotRows``, which
/// reads a resync's thousands of rows without building their states (that cost three times the
/// SQLite insert of the row) and feeds the same ``take(register:siblings:)`` and
/// ``take(eventAt:)`` that ``init(_:)`` does.
public struct RecordListing: Sendable, Equatable {
    /// The register whose visible value places a record in the grid tree.
    public static let gridField = "gridId"

    /// The visible value of ``gridField``, or "" when the record has none.
    public private(set) var gridId = ""
    /// How many register fields hold concurrent values.
    public private(set) var conflicts = 0
    /// The newest HLC reading among the record's values and events (``RecordState/latestHLC``).
    public private(set) var latestHLC = HLCTimestamp.zero

    /// The listing of a record held in memory.
    public init(_ record: RecordState) {
        for (field, siblings) in record.registers { take(register: field, siblings: siblings) }
        for entry in record.events { take(eventAt: entry.hlc) }
    }

    /// An empty listing, to feed one field at a time.
    init() {}

    /// Folds in one register field's live values. Only the grid field's values are read; a
    /// streaming reader may leave the others' values out.
    mutating func take(register field: String, siblings: [RegisterValue]) {
        if siblings.count > 1 { conflicts += 1 }
        for sibling in siblings where sibling.hlc > latestHLC { latestHLC = sibling.hlc }
        if field == Self.gridField {
            gridId = siblings.max(by: RegisterValue.visibleOrder)?.value.stringValue ?? ""
        }
    }

    /// Folds in one incident event's reading.
    mutating func take(eventAt hlc: HLCTimestamp) {
        if hlc > latestHLC { latestHLC = hlc }
    }
}
