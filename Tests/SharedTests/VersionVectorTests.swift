import Foundation
import Testing

@testable import Shared

/// Version vectors: the causal context that decides what an operation supersedes.
@Suite struct VersionVectorTests {
    private static func vector(_ entries: [UInt32: UInt64]) -> VersionVector {
        VersionVector(Dictionary(uniqueKeysWithValues: entries.map { (ReplicaID($0.key), $0.value) }))
    }

    private static func dot(_ replica: UInt32, _ counter: UInt64) -> Dot {
        Dot(replica: ReplicaID(replica), counter: counter)
    }

    private static func json(_ value: some CanonicalEncodable) -> String {
        String(decoding: CanonicalJSON.encode(value), as: UTF8.self)
    }

    private static func decodeVector(_ text: String) throws -> VersionVector {
        try CanonicalJSON.decode(VersionVector.self, from: Data(text.utf8))
    }

    // MARK: covers

    @Test func coversDotsAtOrBelowItsEntry() {
        let context = Self.vector([1: 3])
        #expect(context.covers(Self.dot(1, 1)))
        #expect(context.covers(Self.dot(1, 3)))
        #expect(!context.covers(Self.dot(1, 4)))
    }

    @Test func doesNotCoverDotsOfReplicasItHasNotSeen() {
        #expect(!Self.vector([1: 3]).covers(Self.dot(2, 1)))
        #expect(!VersionVector().covers(Self.dot(0, 1)))
    }

    // MARK: dominates and compare

    @Test func dominatesWhenEveryEntryIsAtOrAbove() {
        let big = Self.vector([1: 3, 2: 2])
        #expect(big.dominates(Self.vector([1: 3])))
        #expect(big.dominates(Self.vector([1: 1, 2: 2])))
        #expect(big.dominates(VersionVector()))
        #expect(!big.dominates(Self.vector([3: 1])))
        #expect(!Self.vector([1: 3]).dominates(big))
    }

    @Test func compareEqual() {
        #expect(Self.vector([1: 2, 4: 7]).compare(to: Self.vector([4: 7, 1: 2])) == .equal)
        #expect(VersionVector().compare(to: VersionVector()) == .equal)
    }

    @Test func compareBefore() {
        #expect(Self.vector([1: 1]).compare(to: Self.vector([1: 2])) == .before)
        #expect(VersionVector().compare(to: Self.vector([5: 1])) == .before)
        #expect(Self.vector([1: 2]).compare(to: Self.vector([1: 2, 2: 1])) == .before)
    }

    @Test func compareAfter() {
        #expect(Self.vector([1: 2]).compare(to: Self.vector([1: 1])) == .after)
        #expect(Self.vector([1: 2, 2: 1]).compare(to: Self.vector([1: 2])) == .after)
    }

    @Test func compareConcurrent() {
        #expect(Self.vector([1: 2]).compare(to: Self.vector([2: 1])) == .concurrent)
        #expect(Self.vector([1: 2, 2: 1]).compare(to: Self.vector([1: 1, 2: 2])) == .concurrent)
    }

    // MARK: add and union

    @Test func addRaisesTheEntryOfTheDotsReplica() {
        var clock = VersionVector()
        clock.add(Self.dot(3, 1))
        clock.add(Self.dot(3, 2))
        clock.add(Self.dot(5, 9))
        #expect(clock == Self.vector([3: 2, 5: 9]))
    }

    @Test func addNeverLowersAnEntry() {
        var clock = Self.vector([3: 5])
        clock.add(Self.dot(3, 2))
        #expect(clock[ReplicaID(3)] == 5)
    }

    @Test func unionTakesTheGreaterEntryOfEach() {
        let left = Self.vector([1: 3, 2: 1])
        let right = Self.vector([1: 1, 3: 4])
        let expected = Self.vector([1: 3, 2: 1, 3: 4])
        #expect(left.union(right) == expected)
        #expect(right.union(left) == expected)
        var formed = left
        formed.formUnion(right)
        #expect(formed == expected)
    }

    @Test func unionWithItselfChangesNothing() {
        let clock = Self.vector([1: 3, 2: 1])
        #expect(clock.union(clock) == clock)
    }

    // MARK: zero entries

    @Test func zeroEntriesAreNeverStored() {
        let clock = Self.vector([1: 0, 2: 5])
        #expect(clock.entries == [ReplicaID(2): 5])
        #expect(Self.vector([7: 0]) == VersionVector())
        #expect(Self.vector([7: 0]).isEmpty)
    }

    @Test func addingACounterZeroDotStoresNothing() {
        var clock = VersionVector()
        clock.add(Self.dot(4, 0))
        #expect(clock.isEmpty)
    }

    @Test func missingEntriesReadAsZero() {
        #expect(Self.vector([1: 3])[ReplicaID(9)] == 0)
    }

    // MARK: JSON

    @Test func encodesAsAnObjectKeyedByReplicaNumber() throws {
        #expect(Self.json(Self.vector([3: 16])) == #"{"3":16}"#)
        #expect(Self.json(VersionVector()) == "{}")
    }

    @Test func encodesKeysSortedAsText() throws {
        #expect(Self.json(Self.vector([17: 12, 3: 16, 0: 4])) == #"{"0":4,"17":12,"3":16}"#)
    }

    @Test func decodesWhatItEncodes() throws {
        let clock = Self.vector([0: 4, 17: 12, 3: 16, 4_294_967_295: 1])
        #expect(try Self.decodeVector(Self.json(clock)) == clock)
    }

    @Test func decodingDropsZeroEntries() throws {
        let clock = try Self.decodeVector(#"{"1":0,"2":3}"#)
        #expect(clock.entries == [ReplicaID(2): 3])
    }

    @Test(arguments: ["a", "03", "+3", "-1", " 3", "3 ", "", "4294967296", "1.5"])
    func decodingRefusesKeysThatAreNotCanonicalReplicaNumbers(key: String) {
        #expect(throws: DecodingError.self) {
            try Self.decodeVector(#"{"\#(key)":1}"#)
        }
    }

    @Test func decodingRefusesANonObject() {
        #expect(throws: DecodingError.self) { try Self.decodeVector("[1,2]") }
    }

    // MARK: Dot

    @Test func dotEncodesAsReplicaThenCounter() throws {
        #expect(Self.json(Self.dot(3, 17)) == "[3,17]")
    }

    @Test func dotRoundTripsAtItsBounds() throws {
        for dot in [Self.dot(4_294_967_295, WireLimits.maxCounter), Self.dot(0, 1)] {
            #expect(try CanonicalJSON.decode(Dot.self, from: CanonicalJSON.encode(dot)) == dot)
        }
    }

    /// Counters past 2⁵³ − 1 (or 0) and replica ids past 2³² − 1 are refused as `invalid_value`,
    /// naming the dot, before anything can store them.
    @Test(arguments: ["[3,0]", "[3,9007199254740992]", "[3,18446744073709551615]", "[4294967296,1]"])
    func dotRefusesNumbersOutOfRange(text: String) {
        let error = #expect(throws: ModelError.self) { try CanonicalJSON.decode(Dot.self, from: Data(text.utf8)) }
        #expect(error?.code == .invalidValue)
        #expect(error?.field == "dot")
    }

    @Test(arguments: ["[3,17,1]", "[3]", "[]", #"{"replica":3,"counter":17}"#, "[-1,2]", "[3,1e400]"])
    func dotRefusesAnythingButTwoNumbers(text: String) {
        #expect(throws: DecodingError.self) {
            try CanonicalJSON.decode(Dot.self, from: Data(text.utf8))
        }
    }

    @Test func dotsOrderByReplicaThenCounter() {
        #expect(Self.dot(1, 9) < Self.dot(2, 1))
        #expect(Self.dot(2, 1) < Self.dot(2, 2))
    }
}
