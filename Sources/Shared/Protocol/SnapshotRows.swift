public import Foundation

/// A snapshot page read for storing rather than merging: each record's canonical bytes exactly as
/// the server sent them, with the few facts a replica keeps beside a stored state.
///
/// A resync stores thousands of records it will mostly never touch again. Decoding each into a
/// ``RecordState`` and encoding it back cost three times the SQLite insert itself, so the agent
/// stores the server's bytes (already canonical: the server splices its stored canonical states)
/// and reads only the record's type and id and, streamed into ``RecordListing`` as a decoded state
/// would be, its visible grid, its conflicted fields and its newest clock reading. The whole page
/// is still parsed, so malformed JSON is refused as before.
public struct SnapshotRows: Sendable {
    /// One record of the page.
    public struct Row: Sendable, Equatable {
        public let type: RecordType
        public let id: String
        /// What the replica keeps beside the state for listing it.
        public let listing: RecordListing
        /// The record's state as canonical JSON, as ``CanonicalJSON/encode(_:)`` would write it.
        public let state: Data

        /// The visible value of `gridId`, or "" when the record has none.
        public var gridId: String { listing.gridId }
        /// How many register fields hold concurrent values.
        public var conflicts: Int { listing.conflicts }
        /// The newest HLC reading among the record's values and events (``RecordState/latestHLC``).
        public var latestHLC: HLCTimestamp { listing.latestHLC }

        /// The row of a state held in memory (a local edit, a pulled operation), encoded canonically.
        public init(_ record: RecordState) {
            type = record.type
            id = record.id
            listing = RecordListing(record)
            state = CanonicalJSON.encode(record)
        }

        init(type: RecordType, id: String, listing: RecordListing, state: Data) {
            self.type = type
            self.id = id
            self.listing = listing
            self.state = state
        }
    }

    public let cursor: UInt64
    public let grids: [GridNode]
    public let rows: [Row]
    public let nextAfter: String?
    /// How many records the whole snapshot holds (first page only).
    public let recordCount: Int?
    /// The county's working-day calendar (first page only).
    public let calendar: WorkCalendar?

    /// Reads a `SnapshotPage` body.
    public init(_ data: Data) throws {
        var cursor: UInt64?
        var grids: [GridNode]?
        var rows: [Row]?
        var nextAfter: String?
        var recordCount: Int?
        var calendar: WorkCalendar?
        try CanonicalReader.read(data) { reader in
            try reader.object { reader, key in
                switch key {
                case "cursor": cursor = try reader.counter("cursor")
                case "grids": grids = try reader.array(limit: SnapshotPage.maxGrids, GridNode.init(from:))
                case "records": rows = try reader.array(Self.row)
                case "nextAfter": nextAfter = try reader.optional(String.self)
                case "recordCount": recordCount = try reader.optional { Int(try $0.counter("recordCount")) }
                case "calendar": calendar = try reader.optional(WorkCalendar.self)
                default: try reader.skipValue()
                }
            }
            guard cursor != nil, grids != nil, rows != nil else { throw reader.missing("cursor") }
        }
        self.cursor = cursor!
        self.grids = grids!
        self.rows = rows!
        self.nextAfter = nextAfter
        self.recordCount = recordCount
        self.calendar = calendar
    }

    private static func row(from reader: inout CanonicalReader) throws -> Row {
        var type: RecordType?
        var id: String?
        var listing = RecordListing()
        let (_, bytes) = try reader.capturing { reader in
            try reader.object { reader, key in
                switch key {
                case "type": type = try reader.read()
                case "id": id = try reader.string()
                // Read, not skipped: a clock out of its bounds must be refused here as the full
                // reader refuses it, or the stored state would not read back later.
                case "clock": _ = try reader.read(VersionVector.self)
                case "registers":
                    try reader.object { reader, field in
                        let siblings = try reader.array { reader in
                            try Self.sibling(from: &reader, keepingValue: field == RecordListing.gridField)
                        }
                        listing.take(register: field, siblings: siblings)
                    }
                case "events":
                    _ = try reader.array { reader in
                        try reader.object { reader, key in
                            if key == "hlc" {
                                listing.take(eventAt: try reader.read(HLCTimestamp.self))
                            } else {
                                try reader.skipValue()
                            }
                        }
                    }
                default: try reader.skipValue()
                }
            }
        }
        guard let type, let id else { throw reader.missing("id") }
        return Row(type: type, id: id, listing: listing, state: bytes)
    }

    /// A register sibling's dot and clock; its value only where it is wanted (`null` stands in otherwise).
    private static func sibling(from reader: inout CanonicalReader, keepingValue: Bool) throws -> RegisterValue {
        var dot: Dot?
        var hlc: HLCTimestamp?
        var value = FieldValue.null
        try reader.object { reader, key in
            switch key {
            case "dot": dot = try reader.read()
            case "hlc": hlc = try reader.read()
            case "value" where keepingValue: value = try reader.read()
            default: try reader.skipValue()
            }
        }
        guard let dot, let hlc else { throw reader.missing("hlc") }
        return RegisterValue(dot: dot, hlc: hlc, value: value)
    }
}
