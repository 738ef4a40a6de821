import Testing

@testable import Shared

/// The hybrid logical clock: monotonic local readings, and a drift bound on received readings.
@Suite struct HybridLogicalClockTests {
    private static let bound: UInt64 = 5 * 60 * 1000

    // MARK: tick

    @Test func tickFollowsPhysicalTimeWhenItMovesForward() {
        var clock = HybridLogicalClock()
        #expect(clock.tick(now: 1_000) == HLCTimestamp(wallMilliseconds: 1_000))
        #expect(clock.tick(now: 2_000) == HLCTimestamp(wallMilliseconds: 2_000))
        #expect(clock.last == HLCTimestamp(wallMilliseconds: 2_000))
    }

    @Test func tickCountsUpWhenPhysicalTimeStandsStill() {
        var clock = HybridLogicalClock()
        let first = clock.tick(now: 1_000)
        let second = clock.tick(now: 1_000)
        let third = clock.tick(now: 1_000)
        #expect(second == HLCTimestamp(wallMilliseconds: 1_000, logical: 1))
        #expect(third == HLCTimestamp(wallMilliseconds: 1_000, logical: 2))
        #expect(first < second && second < third)
    }

    @Test func tickStaysAheadWhenPhysicalTimeGoesBackwards() {
        var clock = HybridLogicalClock()
        let before = clock.tick(now: 5_000)
        let after = clock.tick(now: 3_000)
        #expect(after == HLCTimestamp(wallMilliseconds: 5_000, logical: 1))
        #expect(before < after)
    }

    @Test func tickResetsTheLogicalPartOncePhysicalTimeCatchesUp() {
        var clock = HybridLogicalClock(last: HLCTimestamp(wallMilliseconds: 5_000, logical: 7))
        #expect(clock.tick(now: 5_001) == HLCTimestamp(wallMilliseconds: 5_001))
    }

    @Test func tickIsStrictlyMonotonicOverAnyPhysicalTimes() {
        var clock = HybridLogicalClock()
        var previous = HLCTimestamp.zero
        for now: UInt64 in [10, 10, 9, 50, 50, 0, 49, 51, 51, 1] {
            let reading = clock.tick(now: now)
            #expect(reading > previous)
            previous = reading
        }
    }

    // MARK: observe

    @Test func observeAdvancesPastARemoteReading() throws {
        var clock = HybridLogicalClock()
        _ = clock.tick(now: 1_000)
        let remote = HLCTimestamp(wallMilliseconds: 60_000, logical: 3)
        try clock.observe(remote, now: 2_000)
        #expect(clock.last == remote)
        let next = clock.tick(now: 2_000)
        #expect(next == HLCTimestamp(wallMilliseconds: 60_000, logical: 4))
        #expect(next > remote)
    }

    @Test func observeKeepsTheClockWhenTheRemoteReadingIsOlder() throws {
        var clock = HybridLogicalClock()
        let local = clock.tick(now: 9_000)
        try clock.observe(HLCTimestamp(wallMilliseconds: 1_000, logical: 50), now: 9_000)
        #expect(clock.last == local)
    }

    // MARK: drift

    @Test func observeRefusesAReadingMoreThanTheBoundAhead() {
        var clock = HybridLogicalClock(maxDriftMilliseconds: Self.bound)
        let local = clock.tick(now: 1_000_000)
        let remote = HLCTimestamp(wallMilliseconds: 1_000_000 + Self.bound + 1)
        #expect(throws: ClockDriftError(aheadByMilliseconds: Self.bound + 1, boundMilliseconds: Self.bound)) {
            try clock.observe(remote, now: 1_000_000)
        }
        #expect(clock.last == local)
    }

    @Test func driftErrorReportsHowFarAheadAndTheBound() {
        let clock = HybridLogicalClock(maxDriftMilliseconds: 1_000)
        let error = #expect(throws: ClockDriftError.self) {
            try clock.checkDrift(of: HLCTimestamp(wallMilliseconds: 20_000), now: 5_000)
        }
        #expect(error?.aheadByMilliseconds == 15_000)
        #expect(error?.boundMilliseconds == 1_000)
    }

    @Test func aReadingExactlyAtTheBoundIsAccepted() throws {
        var clock = HybridLogicalClock(maxDriftMilliseconds: Self.bound)
        let remote = HLCTimestamp(wallMilliseconds: 1_000_000 + Self.bound, logical: 2)
        try clock.observe(remote, now: 1_000_000)
        #expect(clock.last == remote)
    }

    @Test func readingsBehindTheReceiverAreNeverDrift() throws {
        let clock = HybridLogicalClock(maxDriftMilliseconds: 0)
        try clock.checkDrift(of: HLCTimestamp(wallMilliseconds: 1), now: 1_000_000)
        try clock.checkDrift(of: HLCTimestamp(wallMilliseconds: 1_000_000, logical: 9), now: 1_000_000)
    }

    @Test func theDefaultBoundIsFiveMinutes() {
        #expect(HybridLogicalClock().maxDriftMilliseconds == 300_000)
    }
}
