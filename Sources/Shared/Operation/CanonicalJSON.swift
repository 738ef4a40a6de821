public import Foundation

/// The one JSON form GridSync writes: sorted keys, no insignificant whitespace, unescaped slashes.
///
/// Two replicas that hold the same state produce the same bytes, which is what the convergence
/// tests compare and what the golden vectors in `protocol/vectors/` pin down.
public enum CanonicalJSON {
    public static func encode(_ value: some Encodable) throws -> Data {
        if let writable = value as? any CanonicalJSONWritable {
            var writer = CanonicalWriter()
            writable.write(to: &writer)
            return Data(writer.bytes)
        }
        return try encodeWithFoundation(value)
    }

    /// The reference path: Foundation's encoder with the canonical options.
    static func encodeWithFoundation(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    public static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        if let readable = type as? any CanonicalJSONReadable.Type {
            return try CanonicalReader.read(data) { try readable.read(from: &$0) } as! Value
        }
        return try decodeWithFoundation(type, from: data)
    }

    /// The reference path: Foundation's decoder.
    static func decodeWithFoundation<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        try JSONDecoder().decode(type, from: data)
    }
}
