import Foundation

/// Reads JSON bytes: what every ``CanonicalDecodable`` reads itself with.
///
/// The server decodes every request and the agent every pulled page and snapshot; through
/// `JSONDecoder` that was the largest single cost of an exchange, so the bytes are read here
/// directly. Any valid JSON is accepted (whitespace, any key order, escapes); syntax errors are
/// refused as `DecodingError`, as `JSONDecoder` refuses them, and every object, array, string
/// and number is bounded by ``WireLimits``.
public struct CanonicalReader {
    private let bytes: [UInt8]
    private var index = 0
    /// Objects and arrays open around the current position, bounded by ``WireLimits/maxDepth``.
    private var depth = 0

    init(_ data: Data) { bytes = [UInt8](data) }

    /// Reads a whole document with `read`, refusing anything after it but whitespace.
    static func read<Value>(_ data: Data, _ read: (inout CanonicalReader) throws -> Value) throws -> Value {
        var reader = CanonicalReader(data)
        let value = try read(&reader)
        reader.skipWhitespace()
        guard reader.index == reader.bytes.count else { throw reader.corrupt("trailing characters") }
        return value
    }

    // MARK: Structure

    /// Calls `field` for each key of an object, positioned at the key's value, which `field` must read.
    ///
    /// At most ``WireLimits/maxObjectKeys`` keys, nested at most ``WireLimits/maxDepth`` deep.
    mutating func object(_ field: (inout CanonicalReader, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        try enter()
        defer { depth -= 1 }
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        var keys = 0
        while true {
            keys += 1
            guard keys <= WireLimits.maxObjectKeys else { throw corrupt("more than \(WireLimits.maxObjectKeys) keys") }
            skipWhitespace()
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            try field(&self, key)
            skipWhitespace()
            switch next() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "}"): return
            default: throw corrupt("expected , or } in an object")
            }
        }
    }

    /// Reads an array of at most `limit` elements, nested at most ``WireLimits/maxDepth`` deep.
    mutating func array<Element>(
        limit: Int = WireLimits.maxOperations,
        _ element: (inout CanonicalReader) throws -> Element
    ) throws -> [Element] {
        try expect(UInt8(ascii: "["))
        try enter()
        defer { depth -= 1 }
        skipWhitespace()
        var elements: [Element] = []
        if peek() == UInt8(ascii: "]") {
            index += 1
            return elements
        }
        while true {
            guard elements.count < limit else { throw corrupt("more than \(limit) elements in an array") }
            elements.append(try element(&self))
            skipWhitespace()
            switch next() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "]"): return elements
            default: throw corrupt("expected , or ] in an array")
            }
        }
    }

    /// One level deeper into objects and arrays, refused past ``WireLimits/maxDepth``.
    private mutating func enter() throws {
        depth += 1
        guard depth <= WireLimits.maxDepth else { throw corrupt("nested deeper than \(WireLimits.maxDepth) levels") }
    }

    /// Reads one value with `read` and also returns the exact bytes it spanned, so a record can be
    /// stored as it arrived instead of encoded again.
    mutating func capturing<Value>(_ read: (inout CanonicalReader) throws -> Value) throws -> (Value, Data) {
        skipWhitespace()
        let start = index
        let value = try read(&self)
        return (value, Data(bytes[start..<index]))
    }

    /// Reads one value with `read`; when it names a kind, action or key this release does not
    /// know (`unknown_kind`, `unknown_field`), passes over it and returns its exact bytes instead,
    /// so a reader one release behind keeps what it cannot read yet rather than failing.
    mutating func tolerating<Value>(_ read: (inout CanonicalReader) throws -> Value) throws -> Result<Value, Unreadable>
    {
        skipWhitespace()
        let start = index
        let depthThen = depth
        do {
            return .success(try read(&self))
        } catch let error as ModelError where error.code == .unknownKind || error.code == .unknownField {
            index = start
            depth = depthThen
            try skipValue()
            return .failure(Unreadable(bytes: Data(bytes[start..<index]), reason: error))
        }
    }

    /// A value this release could not read, as it came.
    struct Unreadable: Error {
        let bytes: Data
        let reason: ModelError
    }

    /// True (and consumed) when the next value is `null`.
    mutating func null() -> Bool {
        skipWhitespace()
        guard matches("null") else { return false }
        index += 4
        return true
    }

    // MARK: Scalars

    mutating func string() throws -> String {
        skipWhitespace()
        try expect(UInt8(ascii: "\""))
        let start = index
        // Fast path: no escapes.
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
            guard bytes[index] >= 0x20 else { throw corrupt("control character in a string") }
            index += 1
        }
        guard index < bytes.count else { throw corrupt("unterminated string") }
        if bytes[index] == UInt8(ascii: "\"") {
            guard index - start <= WireLimits.maxStringBytes else { throw tooLong() }
            defer { index += 1 }
            return try text(bytes[start..<index])
        }
        var scalars = [UInt8](bytes[start..<index])
        while true {
            guard index < bytes.count else { throw corrupt("unterminated string") }
            guard scalars.count <= WireLimits.maxStringBytes else { throw tooLong() }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return try text(scalars[...])
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw corrupt("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"): scalars.append(contentsOf: Array(String(try unicodeEscape()).utf8))
                default: throw corrupt("unknown escape")
                }
            case 0..<0x20:
                throw corrupt("control character in a string")
            default:
                scalars.append(byte)
            }
        }
    }

    private func tooLong() -> DecodingError { corrupt("a string longer than \(WireLimits.maxStringBytes) bytes") }

    mutating func integer<Number: FixedWidthInteger>(_ type: Number.Type = Number.self) throws -> Number {
        skipWhitespace()
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        let digitsEnd = index
        // A fraction or exponent is allowed only when the value is whole, as JSONDecoder allows.
        while index < bytes.count,
            [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-")].contains(
                bytes[index]
            )
                || (digitsEnd < index && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]))
        {
            index += 1
        }
        guard index - start <= WireLimits.maxNumberLength else {
            throw corrupt("a number longer than \(WireLimits.maxNumberLength) characters")
        }
        let token = String(decoding: bytes[start..<index], as: UTF8.self)
        // Digits alone either fit or do not: through a Double, -9223372036854775809 would round into range.
        if digitsEnd == index {
            guard let value = Number(token) else { throw corrupt("expected a whole number that fits") }
            return value
        }
        if let double = Double(token), double == double.rounded(), let value = Number(exactly: double) { return value }
        throw corrupt("expected a whole number that fits")
    }

    mutating func bool() throws -> Bool {
        skipWhitespace()
        if matches("true") {
            index += 4
            return true
        }
        if matches("false") {
            index += 5
            return false
        }
        throw corrupt("expected true or false")
    }

    /// Reads and discards one value of any kind (a key this type does not use).
    mutating func skipValue() throws {
        switch peekKind() {
        case UInt8(ascii: "{"): try object { reader, _ in try reader.skipValue() }
        case UInt8(ascii: "["): _ = try array { try $0.skipValue() }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
        case UInt8(ascii: "n"): guard null() else { throw corrupt("expected null") }
        default: try skipNumber()
        }
    }

    /// Passes over any JSON number, fraction and exponent included, as `JSONDecoder` does: a key
    /// this type does not use may hold one (a newer client's `battery: 0.5`). Nothing is built
    /// from it, so its length is bounded only by the body's.
    private mutating func skipNumber() throws {
        func digits(_ reader: inout CanonicalReader) -> Int {
            let first = reader.index
            while reader.index < reader.bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(reader.bytes[reader.index])
            {
                reader.index += 1
            }
            return reader.index - first
        }
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard digits(&self) > 0 else { throw corrupt("expected a value") }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard digits(&self) > 0 else { throw corrupt("expected digits after a decimal point") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { throw corrupt("expected digits in an exponent") }
        }
    }

    /// Passes over a string without building it; escapes are stepped over, not decoded.
    /// Its raw length is bounded by the longest a decoded string may be, each byte escaped as `\\u00XX`.
    private mutating func skipString() throws {
        try expect(UInt8(ascii: "\""))
        let start = index
        while index < bytes.count {
            guard index - start <= 6 * WireLimits.maxStringBytes else { throw tooLong() }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"): index += 2
            case ..<0x20: throw corrupt("control character in a string")
            default: index += 1
            }
        }
        throw corrupt("unterminated string")
    }

    /// Reads `[a,b]`, two whole numbers, without building an array (dots and clock readings).
    mutating func pair() throws -> (UInt64, UInt64) {
        try expect(UInt8(ascii: "["))
        let first = try integer(UInt64.self)
        try expect(UInt8(ascii: ","))
        let second = try integer(UInt64.self)
        try expect(UInt8(ascii: "]"))
        return (first, second)
    }

    /// What kind of value comes next, without consuming it.
    mutating func peekKind() -> UInt8? {
        skipWhitespace()
        return peek()
    }

    // MARK: Helpers

    private mutating func unicodeEscape() throws -> Character {
        let first = try hex4()
        if (0xD800...0xDBFF).contains(first) {
            guard matches("\\u") else { throw corrupt("lone surrogate") }
            index += 2
            let second = try hex4()
            guard (0xDC00...0xDFFF).contains(second) else { throw corrupt("lone surrogate") }
            let scalar = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            return Character(Unicode.Scalar(scalar)!)
        }
        guard let scalar = Unicode.Scalar(first) else { throw corrupt("lone surrogate") }
        return Character(scalar)
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count,
            bytes[index..<index + 4].allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }),
            let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else {
            throw corrupt("bad \\u escape")
        }
        index += 4
        return value
    }

    private func text(_ slice: ArraySlice<UInt8>) throws -> String {
        // Validating from contiguous memory is several times faster than from a generic sequence.
        guard let text = slice.withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) else {
            throw corrupt("invalid UTF-8")
        }
        return text
    }

    private func matches(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return literal.withUTF8Buffer { expected in
            for offset in 0..<count where bytes[index + offset] != expected[offset] { return false }
            return true
        }
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func next() -> UInt8? {
        defer { index += 1 }
        return peek()
    }

    private mutating func expect(_ byte: UInt8) throws {
        skipWhitespace()
        guard next() == byte else { throw corrupt("expected \(Character(Unicode.Scalar(byte)))") }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    func corrupt(_ what: String) -> DecodingError {
        DecodingError.dataCorrupted(
            .init(codingPath: [], debugDescription: "Not valid JSON at byte \(index): \(what).")
        )
    }
}
