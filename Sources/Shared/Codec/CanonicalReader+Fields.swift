// What the wire types' `init(from:)` share: refusing missing and repeated keys as `JSONDecoder`
// refused them, reading optional values, protocol names and bounded counters.

extension CanonicalReader {
    /// Reads a `Value` here (a key's value, an element of an array).
    mutating func read<Value: CanonicalDecodable>(_ type: Value.Type = Value.self) throws -> Value {
        try Value(from: &self)
    }

    /// A required key that was absent, reported as `JSONDecoder` reports it.
    func missing(_ key: String) -> DecodingError {
        DecodingError.keyNotFound(AnyKey(key), .init(codingPath: [], debugDescription: "No value for \(key)."))
    }

    /// A key that appears twice in one object: readers disagree on which one counts, so neither does.
    func duplicate(_ key: String) -> DecodingError { corrupt("the key \(key) appears twice") }

    /// An optional value: nil when the key's value is `null` (which the writer leaves out).
    mutating func optional<Value>(_ read: (inout CanonicalReader) throws -> Value) throws -> Value? {
        guard !null() else {
            noteRewritten()
            return nil
        }
        return try read(&self)
    }

    /// The same for a value that reads itself.
    mutating func optional<Value: CanonicalDecodable>(_ type: Value.Type = Value.self) throws -> Value? {
        try optional { try Value(from: &$0) }
    }

    /// One of a closed set of protocol names (a level of a grid, a satisfaction, an error code);
    /// a name this release does not know is malformed, like any other wrong value.
    mutating func name<Value: RawRepresentable>(_ type: Value.Type, _ what: String) throws -> Value
    where Value.RawValue == String {
        guard let value = Value(rawValue: try string()) else { throw corrupt("unknown \(what)") }
        return value
    }

    /// A counter, cursor or sequence number of the field `field`: a whole number in `range`.
    mutating func counter(_ field: String, in range: ClosedRange<UInt64> = 0...WireLimits.maxCounter) throws -> UInt64 {
        try bounded(integer(UInt64.self), field: field, in: range)
    }

    /// Refuses `value` outside `range`, naming the field as validation does.
    func bounded(_ value: UInt64, field: String, in range: ClosedRange<UInt64>) throws(ModelError) -> UInt64 {
        guard range.contains(value) else {
            throw .invalidValue(field: field, reason: .range(Int64(range.lowerBound)...Int64(range.upperBound)))
        }
        return value
    }
}

/// The closed set of keys a wire type's object may have, matched against keys as read
/// (``CanonicalReader/object(keys:)``) without making a `String` of each.
protocol WireKey: CaseIterable, RawRepresentable where RawValue == String {
    /// Each key and its name's bytes: `static let names = Self.utf8Names()`.
    static var names: [(utf8: [UInt8], key: Self)] { get }
}

extension WireKey {
    static func utf8Names() -> [(utf8: [UInt8], key: Self)] { allCases.map { (Array($0.rawValue.utf8), $0) } }

    /// The key named `raw`, or nil for a name the type does not have.
    init?(_ raw: CanonicalReader.RawString) {
        guard let match = Self.names.first(where: { raw.is($0.utf8) }) else { return nil }
        self = match.key
    }
}

/// A coding key for any string, to name a missing key in a `DecodingError`.
struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
