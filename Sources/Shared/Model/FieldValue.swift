/// One value of a record field as it travels and is stored: text, a whole number, a yes/no, or nothing.
///
/// Dates travel as `YYYY-MM-DD` text and enumerations as their protocol names, so four JSON
/// scalars cover every field and the canonical form stays simple.
///
/// On the wire and in the stores a value goes through its canonical codec alone
/// (`FieldValue+CanonicalCodable.swift`). It stays `Codable` too because the command-line tools show field values inside views that
/// Foundation encodes for `--json` (`household show`, `conflicts`, `sync-server conflicts list`),
/// and scripts and tests read those views back; a scalar has one JSON form either way, which
/// the tests check.
public enum FieldValue: Hashable, Sendable, Codable, CustomStringConvertible {
    case string(String)
    case integer(Int64)
    case boolean(Bool)
    case null

    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    public var integerValue: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    public var booleanValue: Bool? {
        if case .boolean(let value) = self { value } else { nil }
    }

    public var description: String {
        switch self {
        case .string(let value): value
        case .integer(let value): String(value)
        case .boolean(let value): String(value)
        case .null: "null"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .boolean(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "A field value is text, a whole number, true/false or null."
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .boolean(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}
