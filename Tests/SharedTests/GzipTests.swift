import Foundation
import Testing

@testable import Shared

/// Gzip for sync bodies, with a hard limit on inflated size.
@Suite struct GzipTests {
    private static let megabyte = 1_000_000

    private static func randomData(count: Int, seed: UInt64) -> Data {
        var state = seed
        var bytes = [UInt8](repeating: 0, count: count)
        for index in bytes.indices {
            // SplitMix64, one byte a step: deterministic, incompressible enough.
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            bytes[index] = UInt8(truncatingIfNeeded: mixed ^ (mixed >> 31))
        }
        return Data(bytes)
    }

    private static let json = Data(
        #"{"context":{"3":16},"dot":[3,17],"fields":{"address":"阜新蒙古族自治县 红帽子镇 1组","phone":"13800000000"},"hlc":[1764384600123,0],"id":"0193a6e2-7c4b-7d2e-9f00-123456789abc","kind":"set","type":"household"}"#
            .utf8
    )

    // MARK: round trips

    @Test func emptyDataRoundTrips() throws {
        let compressed = Gzip.compress(Data())
        #expect(try Gzip.decompress(compressed, limit: Self.megabyte) == Data())
    }

    @Test(arguments: [1, 100, 65_536, 65_537, 300_000])
    func randomDataRoundTrips(count: Int) throws {
        let data = Self.randomData(count: count, seed: UInt64(count))
        #expect(try Gzip.decompress(Gzip.compress(data), limit: Self.megabyte) == data)
    }

    @Test func jsonRoundTripsAndShrinks() throws {
        let batch = Data((0..<500).map { _ in Self.json }.joined())
        let compressed = Gzip.compress(batch)
        #expect(compressed.count * 10 < batch.count)
        #expect(try Gzip.decompress(compressed, limit: Self.megabyte) == batch)
    }

    @Test(arguments: [Int32(0), 1, 9])
    func everyLevelRoundTrips(level: Int32) throws {
        #expect(try Gzip.decompress(Gzip.compress(Self.json, level: level), limit: Self.megabyte) == Self.json)
    }

    @Test func outputStartsWithTheGzipMagic() {
        for data in [Data(), Self.json] {
            let compressed = Gzip.compress(data)
            #expect(Array(compressed.prefix(2)) == [0x1F, 0x8B])
        }
    }

    @Test func exactlyAtTheLimitIsAccepted() throws {
        let data = Data(count: 200_000)
        #expect(try Gzip.decompress(Gzip.compress(data), limit: 200_000) == data)
    }

    // MARK: refusals

    @Test func garbageIsMalformed() {
        #expect(throws: GzipError.malformed) {
            try Gzip.decompress(Data("this is not gzip at all".utf8), limit: Self.megabyte)
        }
        #expect(throws: GzipError.malformed) {
            try Gzip.decompress(Self.randomData(count: 1_000, seed: 42), limit: Self.megabyte)
        }
    }

    @Test func plainJSONIsMalformed() {
        #expect(throws: GzipError.malformed) { try Gzip.decompress(Self.json, limit: Self.megabyte) }
    }

    @Test func aWrongChecksumIsMalformed() {
        var compressed = [UInt8](Gzip.compress(Self.json))
        compressed[compressed.count - 8] ^= 0xFF
        #expect(throws: GzipError.malformed) { try Gzip.decompress(Data(compressed), limit: Self.megabyte) }
    }

    @Test func anUnknownCompressionMethodIsMalformed() {
        var compressed = [UInt8](Gzip.compress(Self.json))
        compressed[2] = 7
        #expect(throws: GzipError.malformed) { try Gzip.decompress(Data(compressed), limit: Self.megabyte) }
    }

    @Test func aTruncatedStreamIsTruncated() {
        let compressed = Gzip.compress(Self.randomData(count: 10_000, seed: 7))
        for cut in [1, 4, 8, compressed.count / 2, compressed.count - 11] {
            #expect(throws: GzipError.truncated, "cut \(cut) bytes") {
                try Gzip.decompress(Data(compressed.prefix(compressed.count - cut)), limit: Self.megabyte)
            }
        }
    }

    @Test func emptyInputIsTruncated() {
        #expect(throws: GzipError.truncated) { try Gzip.decompress(Data(), limit: Self.megabyte) }
    }

    @Test func trailingGarbageIsMalformed() {
        let compressed = Gzip.compress(Self.json) + Data([0x00, 0x01, 0x02])
        #expect(throws: GzipError.malformed) { try Gzip.decompress(compressed, limit: Self.megabyte) }
    }

    @Test func aSecondMemberIsMalformed() {
        let compressed = Gzip.compress(Self.json) + Gzip.compress(Self.json)
        #expect(throws: GzipError.malformed) { try Gzip.decompress(compressed, limit: Self.megabyte) }
    }

    @Test func oneByteOverTheLimitIsTooLarge() {
        let compressed = Gzip.compress(Data(count: 200_001))
        #expect(throws: GzipError.tooLarge(limit: 200_000)) { try Gzip.decompress(compressed, limit: 200_000) }
    }

    /// 100 MB of zeros packs into about 100 KB; inflating stops at the 1 MB limit.
    @Test func aGzipBombIsTooLarge() {
        let bomb = Gzip.compress(Data(count: 100_000_000))
        #expect(bomb.count < 200_000)
        let started = ContinuousClock.now
        #expect(throws: GzipError.tooLarge(limit: Self.megabyte)) {
            try Gzip.decompress(bomb, limit: Self.megabyte)
        }
        #expect(ContinuousClock.now - started < .seconds(2), "inflating must stop at the limit")
    }
}
