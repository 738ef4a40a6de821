package import Foundation

/// A type that writes its one JSON form with ``CanonicalWriter``.
///
/// Every wire type (what travels in a request or response body, or is stored as canonical JSON)
/// has exactly one codec, this one, chosen at compile time: ``CanonicalJSON/encode(_:)`` takes
/// only conforming types, so a new wire type without a writer does not compile, where it used to
/// fall back to Foundation's encoder silently. Modelled on postgres-nio's `PostgresEncodable`.
///
/// `write(to:)` writes the keys of an object in sorted order (by code point), with no
/// whitespace, so equal values always give equal bytes: what stored states, convergence tests,
/// digests and the golden vectors compare.
public protocol CanonicalEncodable {
    func write(to writer: inout CanonicalWriter)
}

/// A type that reads itself with ``CanonicalReader``: the other half of its one codec.
///
/// `init(from:)` accepts any valid JSON for the type (whitespace, any key order, escapes) and
/// refuses what the protocol refuses: malformed JSON and missing keys as `DecodingError`, unknown
/// kinds, actions and keys as ``ModelError``, numbers and strings outside ``WireLimits``.
public protocol CanonicalDecodable {
    init(from reader: inout CanonicalReader) throws
}

/// A wire type: written and read by its one canonical codec (postgres-nio's `PostgresCodable`).
public typealias CanonicalCodable = CanonicalEncodable & CanonicalDecodable

/// JSON that is already canonical, written as it is: the stored bytes of operations and record
/// states that the server splices into its answers instead of decoding and encoding them again.
package struct RawJSON: CanonicalEncodable, Sendable {
    package let bytes: Data

    /// `bytes` must be one JSON value in canonical form, as ``CanonicalJSON/encode(_:)`` wrote it.
    package init(_ bytes: Data) { self.bytes = bytes }

    package func write(to writer: inout CanonicalWriter) { writer.json(bytes) }
}

// MARK: Values inside wire types

extension String: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) { writer.string(self) }
    public init(from reader: inout CanonicalReader) throws { self = try reader.string() }
}

extension Bool: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) { writer.bool(self) }
    public init(from reader: inout CanonicalReader) throws { self = try reader.bool() }
}

// Whole numbers are written only: every number read from outside is read with its own bounds
// (`CanonicalReader.counter`, `integer(_:)`), never as a bare 64-bit value.

extension Int: CanonicalEncodable {
    public func write(to writer: inout CanonicalWriter) { writer.integer(self) }
}

extension Int64: CanonicalEncodable {
    public func write(to writer: inout CanonicalWriter) { writer.integer(self) }
}

extension UInt64: CanonicalEncodable {
    public func write(to writer: inout CanonicalWriter) { writer.integer(self) }
}

extension Array: CanonicalEncodable where Element: CanonicalEncodable {
    public func write(to writer: inout CanonicalWriter) { writer.array(self) }
}

/// At most ``WireLimits/maxOperations`` elements; a field that may hold more reads its array
/// with its own limit.
extension Array: CanonicalDecodable where Element: CanonicalDecodable {
    public init(from reader: inout CanonicalReader) throws { self = try reader.array(Element.init(from:)) }
}

/// An object whose keys are only known at run time (a record's fields), sorted by code point.
/// Written only: each such field reads its keys with its own rules (each key once, or not).
extension Dictionary: CanonicalEncodable where Key == String, Value: CanonicalEncodable {
    public func write(to writer: inout CanonicalWriter) { writer.object(self) }
}
