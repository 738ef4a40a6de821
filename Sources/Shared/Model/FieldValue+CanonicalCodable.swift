/// The JSON scalar itself: a string, a whole number, `true`/`false` or `null`.
extension FieldValue: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        switch self {
        case .string(let value): writer.string(value)
        case .integer(let value): writer.integer(value)
        case .boolean(let value): writer.bool(value)
        case .null: writer.null()
        }
    }

    /// A number must be whole and fit 64 bits (`1.0` reads as 1, as `JSONDecoder` read it).
    public init(from reader: inout CanonicalReader) throws {
        switch reader.peekKind() ?? 0 {
        case UInt8(ascii: "n"):
            guard reader.null() else { throw reader.corrupt("expected null") }
            self = .null
        case UInt8(ascii: "t"), UInt8(ascii: "f"): self = .boolean(try reader.bool())
        case UInt8(ascii: "\""): self = .string(try reader.string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): self = .integer(try reader.integer(Int64.self))
        default: throw reader.corrupt("a field value is text, a whole number, true/false or null")
        }
    }

    /// The fields of a `create`, `set` or `log`: any keys, each once.
    static func readFields(from reader: inout CanonicalReader) throws -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        try reader.object { reader, key in
            guard fields.updateValue(try FieldValue(from: &reader), forKey: key) == nil else {
                throw reader.duplicate(key)
            }
        }
        return fields
    }
}
