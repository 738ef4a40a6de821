import Foundation
import Testing

@testable import Shared

/// The inputs the libFuzzer target (`Tests/Fuzz/`, `scripts/fuzz.sh`) found, replayed as tests.
/// `Tests/Fuzz/findings/README.md` gives each one's root cause and fix.
@Suite struct FuzzFindingsTests {
    static let findings = PackageRoot.url.appendingPathComponent("Tests/Fuzz/findings")

    static func finding(_ name: String) throws -> Data {
        try Data(contentsOf: findings.appendingPathComponent(name))
    }

    /// 85 bytes of gzip, an unknown key nested 18,000 deep: it overflowed the stack; now it is
    /// refused at the depth bound.
    @Test func aDeeplyNestedUnknownKeyIsRefusedNotRecursedInto() throws {
        let body = try Gzip.decompress(try Self.finding("deep-nesting-skipvalue.json.gz"), limit: 1 << 20)
        let error = #expect(throws: DecodingError.self) { try CanonicalJSON.decode(SyncRequest.self, from: body) }
        #expect("\(String(describing: error))".contains("nested deeper"))
    }

    /// A reading at the end of its logical part trapped the next local tick; now the clock moves
    /// on to the next millisecond.
    @Test func aReadingAtTheEndOfItsLogicalPartTicksIntoTheNextMillisecond() throws {
        let request = try CanonicalJSON.decode(SyncRequest.self, from: try Self.finding("hlc-tick-logical-max.json"))
        let received = try #require(request.operations.first?.hlc)
        #expect(received.logical == .max)
        var clock = HybridLogicalClock()
        clock.advance(past: received)
        let next = clock.tick(now: received.wallMilliseconds)
        #expect(next > received)
    }

    /// A counter past `Int64.max` (here 10¹⁹) is refused by every reader alike, so a state that
    /// one of them would read can never be stored for another to refuse.
    @Test(arguments: ["skipvalue-int64-merged-counter.json", "skipvalue-int64-snapshot-clock.json"])
    func aCounterPastTheBoundIsRefusedByEveryReader(name: String) throws {
        let data = try Self.finding(name)
        #expect(throws: (any Error).self) { try CanonicalJSON.decode(SyncRequest.self, from: data) }
        #expect(throws: (any Error).self) { try CanonicalJSON.decode(SnapshotPage.self, from: data) }
        #expect(throws: (any Error).self) { try SnapshotRows(data) }
    }

    /// An unknown key may hold any JSON number, as `JSONDecoder` reads it: a newer client's
    /// numeric field must not get its syncs refused.
    @Test(arguments: ["0.5", "-1e-3", "1E+400", "18446744073709551616", "-0"])
    func anUnknownKeyMayHoldAnyNumber(number: String) throws {
        let body = Data(#"{"batchId":"b","cursor":0,"operations":[],"protocolVersion":1,"battery":\#(number)}"#.utf8)
        #expect(try CanonicalJSON.decode(SyncRequest.self, from: body).batchId == "b")
    }

    @Test(arguments: ["1.", ".5", "1e", "--1", "0x10"])
    func aMalformedNumberInAnUnknownKeyIsStillRefused(number: String) {
        let body = Data(#"{"batchId":"b","cursor":0,"operations":[],"protocolVersion":1,"battery":\#(number)}"#.utf8)
        #expect(throws: DecodingError.self) { try CanonicalJSON.decode(SyncRequest.self, from: body) }
    }

    @Test func aUnicodeEscapeHasFourHexDigitsAndNoSign() throws {
        #expect(throws: DecodingError.self) {
            try CanonicalJSON.decode(IncidentEvent.self, from: Data(#"{"action":"comment","note":"\u+041"}"#.utf8))
        }
        #expect(
            try CanonicalJSON.decode(IncidentEvent.self, from: Data(#"{"action":"comment","note":"\u0041"}"#.utf8)).note
                == "A"
        )
    }
}
