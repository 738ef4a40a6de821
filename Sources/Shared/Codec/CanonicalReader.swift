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
    /// Set once anything read differs from how ``CanonicalWriter`` writes the value read
    /// (whitespace, key order, escapes, a number's form, a key skipped or a `null` left out): the
    /// bytes read since ``canonical(_:)`` began are then not the value's canonical JSON.
    private var rewritten = false

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
        try object { reader, key in try field(&reader, try key.string()) }
    }

    /// The same with each key as its bytes, for the types read on every operation of every
    /// request: matched against the names they know without building a `String` for each key.
    mutating func object(keys field: (inout CanonicalReader, RawString) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        try enter()
        defer { depth -= 1 }
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        var keys = 0
        var previous: ArraySlice<UInt8> = []
        while true {
            keys += 1
            guard keys <= WireLimits.maxObjectKeys else { throw corrupt("more than \(WireLimits.maxObjectKeys) keys") }
            skipWhitespace()
            let key = try scanString()
            // The canonical writer sorts keys by code point, which UTF-8 bytes sort as.
            if keys > 1, !previous.lexicographicallyPrecedes(key.utf8) { rewritten = true }
            previous = key.utf8
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

    /// A string as read: its UTF-8 bytes with escapes decoded, not yet checked or made a `String`.
    struct RawString {
        fileprivate let utf8: ArraySlice<UInt8>
        fileprivate let ascii: Bool
        /// Where the string ended in the input, for the error of text checked after the reader moved on.
        fileprivate let end: Int

        /// True when the string is `name`.
        func `is`(_ name: [UInt8]) -> Bool { utf8.count == name.count && utf8.elementsEqual(name) }

        /// The string as text; refused when it is not valid UTF-8.
        func string() throws -> String { try CanonicalReader.text(of: self) }

        /// The string as a replica's number written canonically (no sign, no leading zero), or nil.
        var replicaNumber: UInt32? {
            guard let first = utf8.first, utf8.count <= 10, first != UInt8(ascii: "0") || utf8.count == 1 else {
                return nil
            }
            var value: UInt64 = 0
            for byte in utf8 {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
            }
            return UInt32(exactly: value)
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

    /// Reads one `Value` and its canonical JSON: the bytes it spanned when they are canonical
    /// already (an agent writes its operations so), written again only when they are not.
    ///
    /// The server stores every operation of every request as canonical JSON; taking the bytes
    /// that arrived spares encoding each one again. Debug builds check the bytes against the
    /// writer's.
    mutating func canonical<Value: CanonicalCodable>(_ type: Value.Type = Value.self) throws -> (Value, Data) {
        skipWhitespace()
        let outer = rewritten
        rewritten = false
        defer { rewritten = rewritten || outer }
        let start = index
        let value = try Value(from: &self)
        guard !rewritten else { return (value, CanonicalJSON.encode(value)) }
        let bytes = Data(self.bytes[start..<index])
        assert(bytes == CanonicalJSON.encode(value), "bytes taken as canonical that the writer writes otherwise")
        return (value, bytes)
    }

    /// Notes that the value being read is not written back as it was read (a type leaves
    /// something out or puts it another way), so its bytes are not its canonical JSON.
    mutating func noteRewritten() { rewritten = true }

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
        try Self.text(of: scanString())
    }

    /// Reads a string's bytes, its escapes decoded, without checking they are UTF-8.
    private mutating func scanString() throws -> RawString {
        skipWhitespace()
        try expect(UInt8(ascii: "\""))
        let start = index
        // Fast path: no escapes. Any byte's top bit set means the text is not ASCII alone.
        var high: UInt8 = 0
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
            guard bytes[index] >= 0x20 else { throw corrupt("control character in a string") }
            high |= bytes[index]
            index += 1
        }
        guard index < bytes.count else { throw corrupt("unterminated string") }
        if bytes[index] == UInt8(ascii: "\"") {
            guard index - start <= WireLimits.maxStringBytes else { throw tooLong() }
            defer { index += 1 }
            return RawString(utf8: bytes[start..<index], ascii: high < 0x80, end: index)
        }
        // An escape: the writer escapes only what it must, in its short forms, so take the
        // bytes as written otherwise.
        rewritten = true
        var scalars = [UInt8](bytes[start..<index])
        while true {
            guard index < bytes.count else { throw corrupt("unterminated string") }
            guard scalars.count <= WireLimits.maxStringBytes else { throw tooLong() }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return RawString(utf8: scalars[...], ascii: false, end: index)
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
        let negative = peek() == UInt8(ascii: "-")
        if negative { index += 1 }
        let digitsStart = index
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
        let digits = bytes[digitsStart..<digitsEnd]
        // The writer writes neither a fraction, an exponent, a leading zero nor `-0`.
        if digitsEnd != index || (digits.first == UInt8(ascii: "0") && (digits.count > 1 || negative)) {
            rewritten = true
        }
        // Digits alone either fit or do not: through a Double, -9223372036854775809 would round into range.
        if digitsEnd == index {
            guard !digits.isEmpty, let value = Self.whole(digits, negative: negative, as: Number.self) else {
                throw corrupt("expected a whole number that fits")
            }
            return value
        }
        let token = String(decoding: bytes[start..<index], as: UTF8.self)
        if let double = Double(token), double == double.rounded(), let value = Number(exactly: double) { return value }
        throw corrupt("expected a whole number that fits")
    }

    /// The number the decimal `digits` spell (negated when `negative`), or nil when it does not fit.
    private static func whole<Number: FixedWidthInteger>(
        _ digits: ArraySlice<UInt8>,
        negative: Bool,
        as type: Number.Type
    ) -> Number? {
        var magnitude: UInt64 = 0
        for digit in digits {
            let (tens, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, carry) = tens.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            magnitude = sum
        }
        guard negative, magnitude > 0 else { return Number(exactly: magnitude) }
        guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
        return Number(exactly: magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
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
        rewritten = true
        switch peekKind() {
        case UInt8(ascii: "{"): try object(keys: { reader, _ in try reader.skipValue() })
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

    /// The text of `raw`, refused when it is not valid UTF-8.
    ///
    /// `String(decoding:)` is the standard library's fast path (ASCII above all); it repairs
    /// what is not UTF-8, so text that is not ASCII alone must come out byte for byte as it went
    /// in. (`String(validating:as:)` looked up generic metadata on every call: a tenth of reading
    /// a request.)
    fileprivate static func text(of raw: RawString) throws -> String {
        try raw.utf8.withUnsafeBufferPointer { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            guard !raw.ascii else { return text }
            let unrepaired = text.utf8.withContiguousStorageIfAvailable { $0.elementsEqual(bytes) }
            guard unrepaired ?? text.utf8.elementsEqual(bytes) else { throw corruptAt(raw.end, "invalid UTF-8") }
            return text
        }
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
            case 0x20, 0x0A, 0x0D, 0x09:
                index += 1
                rewritten = true
            default: return
            }
        }
    }

    func corrupt(_ what: String) -> DecodingError { Self.corruptAt(index, what) }

    private static func corruptAt(_ index: Int, _ what: String) -> DecodingError {
        DecodingError.dataCorrupted(
            .init(codingPath: [], debugDescription: "Not valid JSON at byte \(index): \(what).")
        )
    }
}
