import Foundation
import Testing

@testable import Shared

/// What every value of a wire type keeps, checked on random and sample values alike:
///
/// - its canonical bytes are Foundation's sorted-keys bytes of its JSON tree (``JSONValue``),
///   as they were when Foundation's encoder was one of its codecs;
/// - decoding them gives the value back (decode ∘ encode = id), and encoding that gives the
///   same bytes again (encode ∘ decode = id on canonical bytes);
/// - the same tree laid out otherwise (whitespace, keys in any order) reads as the same value.
enum CanonicalProperties {
    static func check<Value: CanonicalCodable & JSONTreeRepresentable & Equatable>(
        _ value: Value,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let bytes = CanonicalJSON.encode(value)
        let reference = value.jsonTree.foundationBytes
        #expect(
            bytes == reference,
            "\(String(decoding: bytes, as: UTF8.self))\n\(String(decoding: reference, as: UTF8.self))",
            sourceLocation: sourceLocation
        )
        let decoded = try CanonicalJSON.decode(Value.self, from: bytes)
        #expect(decoded == value, sourceLocation: sourceLocation)
        #expect(CanonicalJSON.encode(decoded) == bytes, sourceLocation: sourceLocation)
        #expect(
            try CanonicalJSON.decode(Value.self, from: value.jsonTree.prettyBytes) == value,
            sourceLocation: sourceLocation
        )
    }
}
