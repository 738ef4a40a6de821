package import Foundation

/// Writes canonical JSON bytes: what every ``CanonicalEncodable`` writes itself with.
///
/// The server encodes every stored operation and every touched record; through `JSONEncoder`
/// that was most of the cost of a merge, so the bytes are written here directly. They are byte
/// for byte what `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` writes for the
/// same JSON value (the tests compare the two on random values, and golden bytes pin the
/// messages): that is the form stored bytes, vectors and agents of earlier releases rely on.
public struct CanonicalWriter {
    private(set) var bytes: [UInt8] = []

    package init() { bytes.reserveCapacity(512) }

    /// What has been written.
    package var data: Data { Data(bytes) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Decimal digits written in place: a `String` per number was a tenth of encoding a record.
    mutating func integer(_ value: some BinaryInteger) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var rest = UInt64(value.magnitude)
        guard rest >= 10 else {
            bytes.append(UInt8(ascii: "0") + UInt8(rest))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            while rest > 0 {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    mutating func bool(_ value: Bool) {
        value ? raw("true") : raw("false")
    }

    /// A JSON string, escaped as Foundation escapes it: quote, backslash, and control characters
    /// (short forms for \b \t \n \f \r, `\u00xx` otherwise); everything else as UTF-8.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Runs without anything to escape (nearly every string) are copied whole.
            var runStart = 0
            for (index, unit) in utf8.enumerated()
            where unit < 0x20 || unit == UInt8(ascii: "\"") || unit == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                escape(unit)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ unit: UInt8) {
        switch unit {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x08: raw("\\b")
        case 0x09: raw("\\t")
        case 0x0A: raw("\\n")
        case 0x0C: raw("\\f")
        case 0x0D: raw("\\r")
        default:
            raw("\\u00")
            bytes.append(Self.hex[Int(unit >> 4)])
            bytes.append(Self.hex[Int(unit & 0xF)])
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    mutating func null() { raw("null") }

    /// `[a,b]`, two whole numbers (dots and clock readings), as ``CanonicalReader/pair()`` reads them.
    mutating func pair(_ first: some BinaryInteger, _ second: some BinaryInteger) {
        bytes.append(UInt8(ascii: "["))
        integer(first)
        bytes.append(UInt8(ascii: ","))
        integer(second)
        bytes.append(UInt8(ascii: "]"))
    }

    /// JSON that is already canonical, as it is (``RawJSON``).
    mutating func json(_ canonical: Data) { bytes.append(contentsOf: canonical) }

    /// An object whose `body` writes its keys with ``field(_:_:)``, in sorted order (by code point).
    mutating func object(_ body: (inout CanonicalWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        body(&self)
        bytes.append(UInt8(ascii: "}"))
    }

    /// `"key":value` in the object being written, after a comma unless it is the first key (an
    /// object's first key follows its `{`, which no value ends with).
    mutating func field(_ key: StaticString, _ value: some CanonicalEncodable) {
        if bytes.last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        raw(key)
        raw("\":")
        value.write(to: &self)
    }

    /// The same for an optional value; a nil one leaves its key out, as `encodeIfPresent` did.
    mutating func field(_ key: StaticString, ifPresent value: (some CanonicalEncodable)?) {
        if let value { field(key, value) }
    }

    /// An object whose keys are only known at run time, sorted as `JSONEncoder` sorts them (by code point).
    mutating func object(_ entries: [String: some CanonicalEncodable]) {
        object(pairs: entries.map { ($0.key, $0.value) })
    }

    /// The same, from key–value pairs with distinct keys in any order.
    mutating func object(pairs: [(String, some CanonicalEncodable)]) {
        bytes.append(UInt8(ascii: "{"))
        // UTF-8 bytes sort as their code points do.
        for (index, (key, value)) in pairs.sorted(by: { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(key)
            bytes.append(UInt8(ascii: ":"))
            value.write(to: &self)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array(_ elements: [some CanonicalEncodable]) {
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            element.write(to: &self)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}
