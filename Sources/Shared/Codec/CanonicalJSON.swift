public import Foundation

/// The one JSON form GridSync writes: sorted keys, no insignificant whitespace, unescaped slashes.
///
/// Two replicas that hold the same state produce the same bytes, which is what the convergence
/// tests compare and what the golden vectors in `protocol/vectors/` pin down. Both directions go
/// through the type's own codec (``CanonicalEncodable``, ``CanonicalDecodable``), picked by the
/// compiler: there is no run-time dispatch and no Foundation path to fall back to.
public enum CanonicalJSON {
    /// The canonical bytes of `value`. Writing cannot fail: every value of a wire type has its form.
    public static func encode(_ value: some CanonicalEncodable) -> Data {
        var writer = CanonicalWriter()
        value.write(to: &writer)
        return writer.data
    }

    /// Reads one `Value` from `data`, refusing anything after it but whitespace.
    public static func decode<Value: CanonicalDecodable>(_ type: Value.Type, from data: Data) throws -> Value {
        try CanonicalReader.read(data) { try Value(from: &$0) }
    }
}
