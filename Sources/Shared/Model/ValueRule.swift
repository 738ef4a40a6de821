/// What a field value must look like, checked before anything is written.
public enum ValueRule: Sendable {
    /// Free text, at most this many characters.
    case text(maxLength: Int)
    /// One of the listed protocol names.
    case oneOf([String])
    /// A calendar date, `YYYY-MM-DD`.
    case date
    /// An 18-character resident identity number with a valid check digit (GB 11643).
    case residentIDNumber
    /// A mainland mobile or landline number.
    case phone
    case boolean
    case integer(ClosedRange<Int64>)
    /// The id of a grid node.
    case gridNode
    /// The id of another record.
    case recordID

    /// Checks `value` for the field `field`; `null` is accepted for any field that is not required.
    public func validate(_ value: FieldValue, field: String) throws(ModelError) {
        switch (self, value) {
        case (_, .null):
            return
        case (.text(let maxLength), .string(let text)):
            guard text.isPlainText(maxLength: maxLength), !text.trimmingWhitespace.isEmpty else {
                throw .invalidValue(field: field, reason: .textLength(maxLength))
            }
        case (.oneOf(let allowed), .string(let text)):
            guard allowed.contains(text) else { throw .invalidValue(field: field, reason: .notOneOf(allowed)) }
        case (.date, .string(let text)):
            guard CalendarDate(text) != nil else { throw .invalidValue(field: field, reason: .date) }
        case (.residentIDNumber, .string(let text)):
            try ResidentIDNumber.validate(text, field: field)
        case (.phone, .string(let text)):
            guard PhoneNumber.isValid(text) else { throw .invalidValue(field: field, reason: .phone) }
        case (.boolean, .boolean):
            return
        case (.integer(let range), .integer(let number)):
            guard range.contains(number) else { throw .invalidValue(field: field, reason: .range(range)) }
        case (.gridNode, .string(let text)):
            guard GridNode.isValidID(text) else { throw .invalidValue(field: field, reason: .gridNodeID) }
        case (.recordID, .string(let text)):
            guard RecordID.isValid(text) else { throw .invalidValue(field: field, reason: .recordID) }
        default:
            throw .invalidValue(field: field, reason: .type)
        }
    }
}

extension Unicode.Scalar {
    /// Whether the scalar is a control character (general category Cc): C0, DEL and C1. Those are
    /// fixed ranges, and asking for the general category looked up tables for every scalar of
    /// every text field of every operation.
    var isControlCharacter: Bool { value < 0x20 || (0x7F...0x9F).contains(value) }
}

extension String {
    /// Text of at most `maxLength` Unicode scalars (so at most 4 × `maxLength` bytes), without
    /// control characters other than tab and line breaks.
    ///
    /// Scalars, not the user-perceived characters Swift counts by default: one "character" can
    /// carry any number of combining marks, so a 50-character name could otherwise be megabytes.
    /// Control characters would forge lines in logs and terminals and break the CSV exports.
    func isPlainText(maxLength: Int) -> Bool {
        var count = 0
        for scalar in unicodeScalars {
            count += 1
            guard count <= maxLength else { return false }
            if scalar.isControlCharacter, !["\t", "\n", "\r"].contains(scalar) { return false }
        }
        return true
    }

    var trimmingWhitespace: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<max(start, end)]
    }
}
