/// `{"id","kind","level","linesOfWork","name","parentId"}`, the lines of work sorted so a node
/// has one form; `parentId` is left out at the root.
extension GridNode: CanonicalCodable {
    /// The keys of a node.
    enum Key: String {
        case id, level, name, kind, linesOfWork
        case parentID = "parentId"
    }

    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in
            writer.field("id", id)
            writer.field("kind", kind.rawValue)
            writer.field("level", level.rawValue)
            writer.field("linesOfWork", linesOfWork.map(\.rawValue).sorted())
            writer.field("name", name)
            writer.field("parentId", ifPresent: parentID)
        }
    }

    public init(from reader: inout CanonicalReader) throws {
        var id: String?
        var parentID: String?
        var level: GridLevel?
        var name: String?
        var kind: Kind?
        var lines: Set<LineOfWork>?
        try reader.object { reader, key in
            switch Key(rawValue: key) {
            case .id: id = try reader.string()
            case .parentID: parentID = try reader.optional(String.self)
            case .level:
                guard let value = GridLevel(rawValue: try reader.integer(Int.self)) else {
                    throw reader.corrupt("unknown level")
                }
                level = value
            case .name: name = try reader.string()
            case .kind: kind = try reader.name(Kind.self, "grid kind")
            case .linesOfWork: lines = Set(try reader.array { try $0.name(LineOfWork.self, "line of work") })
            case nil: try reader.skipValue()
            }
        }
        guard let id, let level, let name, let kind, let lines else { throw reader.missing("id") }
        self.init(id: id, parentID: parentID, level: level, name: name, kind: kind, linesOfWork: lines)
    }
}
