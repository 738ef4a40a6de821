import Foundation
import Testing

@testable import Shared

/// Every bound of `WireLimits` holds where a message is decoded: beyond it the reader refuses
/// with an error, never a trap, and at it the message still reads.
@Suite struct WireLimitsTests {
    static let operation =
        #"{"context":{},"dot":[1,1],"fields":{"address":"新华村3组12号","gridId":"fm-01-01-01-01","headName":"包金山"},"hlc":[1764374400000,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"create","type":"household"}"#

    static func request(cursor: String = "0", batchId: String = #""b-1""#, operations: String = "[]") -> Data {
        Data(#"{"batchId":\#(batchId),"cursor":\#(cursor),"operations":\#(operations),"protocolVersion":1}"#.utf8)
    }

    static func decodeRequest(_ data: Data) throws -> SyncRequest {
        try CanonicalJSON.decode(SyncRequest.self, from: data)
    }

    // MARK: Numbers

    @Test func aCursorAtTheBoundReadsAndOnePastItIsInvalidValue() throws {
        #expect(try Self.decodeRequest(Self.request(cursor: "9007199254740991")).cursor == WireLimits.maxCounter)
        for cursor in ["9007199254740992", "9223372036854775808", "18446744073709551615"] {
            let error = #expect(throws: ModelError.self) { try Self.decodeRequest(Self.request(cursor: cursor)) }
            #expect(error?.code == .invalidValue)
            #expect(error?.field == "cursor")
        }
        #expect(throws: DecodingError.self) { try Self.decodeRequest(Self.request(cursor: "18446744073709551616")) }
        #expect(throws: DecodingError.self) { try Self.decodeRequest(Self.request(cursor: "-1")) }
    }

    @Test func bothPartsOfAClockReadingAreBounded() throws {
        let max = try CanonicalJSON.decode(HLCTimestamp.self, from: Data("[9007199254740991,4294967295]".utf8))
        #expect(max == HLCTimestamp(wallMilliseconds: WireLimits.maxCounter, logical: .max))
        for text in ["[9007199254740992,0]", "[1,4294967296]"] {
            let error = #expect(throws: ModelError.self) {
                try CanonicalJSON.decode(HLCTimestamp.self, from: Data(text.utf8))
            }
            #expect(error?.field == "hlc")
        }
    }

    @Test func contextEntriesAreBoundedInValueAndNumber() throws {
        #expect(throws: ModelError.self) {
            try CanonicalJSON.decode(VersionVector.self, from: Data(#"{"1":9007199254740992}"#.utf8))
        }
        let many = (0...WireLimits.maxContextEntries).map { #""\#($0)":1"# }.joined(separator: ",")
        #expect(throws: DecodingError.self) {
            try CanonicalJSON.decode(VersionVector.self, from: Data("{\(many)}".utf8))
        }
    }

    @Test func aWholeNumberJustPast64BitsIsRefusedNotRoundedIntoRange() throws {
        // As a Double, -9223372036854775809 is -2⁶³; the reader must not take it for that.
        for number in ["-9223372036854775809", "-9223372036854776000", "9223372036854775808"] {
            #expect(throws: DecodingError.self, "\(number)") {
                try CanonicalJSON.decode(FieldValue.self, from: Data(number.utf8))
            }
            #expect(throws: (any Error).self, "\(number)") { try Self.decodeRequest(Self.request(cursor: number)) }
        }
        #expect(try CanonicalJSON.decode(FieldValue.self, from: Data("-9223372036854775808".utf8)) == .integer(.min))
    }

    @Test func aNumberOfHundredsOfDigitsIsRefusedWithoutParsingIt() {
        let digits = String(repeating: "9", count: 400)
        #expect(throws: DecodingError.self) { try Self.decodeRequest(Self.request(cursor: digits)) }
        #expect(throws: DecodingError.self) { try Self.decodeRequest(Self.request(cursor: "1e400")) }
    }

    // MARK: Structure

    /// An unknown key's value is skipped, but never deeper than the depth bound: ten thousand
    /// nested arrays would otherwise overflow the stack.
    @Test func deepNestingInASkippedValueIsRefusedNotRecursedInto() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let body = Data(#"{"extra":\#(deep),"batchId":"b","cursor":0,"operations":[],"protocolVersion":1}"#.utf8)
        let error = #expect(throws: DecodingError.self) { try Self.decodeRequest(body) }
        #expect("\(String(describing: error))".contains("nested deeper"))
        let shallow = String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
        #expect(throws: Never.self) {
            try Self.decodeRequest(
                Data(#"{"extra":\#(shallow),"batchId":"b","cursor":0,"operations":[],"protocolVersion":1}"#.utf8)
            )
        }
    }

    @Test func aKeyTwiceInOneObjectIsRefusedAtEveryLevel() {
        let cases = [
            #"{"cursor":0,"cursor":5,"batchId":"b","operations":[],"protocolVersion":1}"#,
            #"{"batchId":"b","cursor":0,"operations":[\#(Self.operation.replacingOccurrences(of: #""kind":"create""#, with: #""kind":"create","kind":"set""#))],"protocolVersion":1}"#,
            #"{"batchId":"b","cursor":0,"operations":[\#(Self.operation.replacingOccurrences(of: #""headName":"包金山""#, with: #""headName":"包金山","headName":"x""#))],"protocolVersion":1}"#,
        ]
        for text in cases {
            #expect(throws: DecodingError.self) { try Self.decodeRequest(Data(text.utf8)) }
        }
        #expect(throws: DecodingError.self) {
            try CanonicalJSON.decode(VersionVector.self, from: Data(#"{"1":2,"1":3}"#.utf8))
        }
    }

    @Test func stringsAreBoundedInBytesWithAndWithoutEscapes() throws {
        let fits = String(repeating: "网", count: WireLimits.maxStringBytes / 3)
        #expect(throws: Never.self) {
            try CanonicalJSON.decode(IncidentEvent.self, from: Data(#"{"action":"comment","note":"\#(fits)"}"#.utf8))
        }
        let plain = String(repeating: "a", count: WireLimits.maxStringBytes + 1)
        let escaped = String(repeating: #"\u0061"#, count: WireLimits.maxStringBytes + 1)
        for text in [plain, escaped] {
            #expect(throws: DecodingError.self) {
                try CanonicalJSON.decode(
                    IncidentEvent.self,
                    from: Data(#"{"action":"comment","note":"\#(text)"}"#.utf8)
                )
            }
        }
    }

    @Test func aBatchHoldsAtMostTheOperationLimit() throws {
        let operations =
            "[" + Array(repeating: Self.operation, count: WireLimits.maxOperations + 1).joined(separator: ",") + "]"
        let error = #expect(throws: DecodingError.self) { try Self.decodeRequest(Self.request(operations: operations)) }
        #expect("\(String(describing: error))".contains("more than \(WireLimits.maxOperations)"))
    }

    @Test(arguments: [#""""#, #""a\nb""#, #""\#(String(repeating: "x", count: 129))""#, #""b 1""#, #""批次""#])
    func aBatchIdOutsideItsAlphabetOrLengthIsInvalidValue(batchId: String) {
        let error = #expect(throws: ModelError.self) { try Self.decodeRequest(Self.request(batchId: batchId)) }
        #expect(error?.code == .invalidValue)
    }

    // MARK: Text

    /// One user-perceived character can carry any number of combining marks; the limit counts scalars.
    @Test func textLimitsCountScalarsNotGraphemeClusters() {
        let rule = ValueRule.text(maxLength: 50)
        let heavy = "包" + String(repeating: "\u{0301}", count: 10_000)
        #expect(heavy.count == 1)
        #expect(throws: ModelError.self) { try rule.validate(.string(heavy), field: "headName") }
        #expect(throws: Never.self) { try rule.validate(.string(String(repeating: "包", count: 50)), field: "headName") }
        #expect(throws: ModelError.self) {
            try rule.validate(.string(String(repeating: "包", count: 51)), field: "headName")
        }
    }

    @Test func textRefusesControlCharactersButKeepsLineBreaks() {
        let rule = ValueRule.text(maxLength: 200)
        for bad in ["包金\u{0}山", "包金山\u{1B}[31m", "a\u{7F}b"] {
            #expect(throws: ModelError.self) { try rule.validate(.string(bad), field: "address") }
        }
        #expect(throws: Never.self) { try rule.validate(.string("第一行\n第二行\t完"), field: "address") }
    }

    /// The control-character check is the general category Cc, for every scalar there is.
    @Test func controlCharactersAreExactlyTheCcCategory() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if scalar.isControlCharacter != (scalar.properties.generalCategory == .control) {
                Issue.record("U+\(String(value, radix: 16)) disagrees")
                return
            }
        }
    }

    // MARK: Clock arithmetic

    @Test func aClockAtTheEndOfItsLogicalPartMovesToTheNextMillisecond() {
        var clock = HybridLogicalClock(last: HLCTimestamp(wallMilliseconds: 5_000, logical: .max))
        let next = clock.tick(now: 4_000)
        #expect(next == HLCTimestamp(wallMilliseconds: 5_001, logical: 0))
        #expect(next > HLCTimestamp(wallMilliseconds: 5_000, logical: .max))
    }
}
