/// Writes GridSync's hot types straight to canonical JSON bytes, without `JSONEncoder`.
///
/// The server encodes every stored operation and every touched record; through `JSONEncoder`
/// that was most of the cost of a merge. The output is byte for byte what `JSONEncoder` with
/// `.sortedKeys` and `.withoutEscapingSlashes` writes (the tests compare the two on random
/// values), so stored bytes, vectors and signatures do not depend on which path wrote them.
struct CanonicalWriter {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(512) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func byte(_ character: UInt8) { bytes.append(character) }

    mutating func integer(_ value: some BinaryInteger) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ value: Bool) {
        value ? raw("true") : raw("false")
    }

    /// A JSON string, escaped as Foundation escapes it: quote, backslash, and control characters
    /// (short forms for \b \t \n \f \r, `\u00xx` otherwise); everything else as UTF-8.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for unit in text.utf8 {
            switch unit {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x08: raw("\\b")
            case 0x09: raw("\\t")
            case 0x0A: raw("\\n")
            case 0x0C: raw("\\f")
            case 0x0D: raw("\\r")
            case 0..<0x20:
                raw("\\u00")
                bytes.append(Self.hex[Int(unit >> 4)])
                bytes.append(Self.hex[Int(unit & 0xF)])
            default: bytes.append(unit)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// `"key":` — keys are written by callers in sorted order.
    mutating func key(_ name: StaticString, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        raw("\":")
    }

    /// An object whose keys are only known at run time, sorted as `JSONEncoder` sorts them (by code point).
    mutating func object<Value>(_ entries: [String: Value], _ write: (inout CanonicalWriter, Value) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        for (index, key) in entries.keys.sorted(by: { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) })
            .enumerated()
        {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(key)
            bytes.append(UInt8(ascii: ":"))
            write(&self, entries[key]!)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array<Element>(_ elements: [Element], _ write: (inout CanonicalWriter, Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            write(&self, element)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}

/// A type that writes its own canonical JSON (see ``CanonicalWriter``).
protocol CanonicalJSONWritable {
    func write(to writer: inout CanonicalWriter)
}
