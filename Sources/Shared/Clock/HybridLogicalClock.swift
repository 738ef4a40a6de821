/// A replica's hybrid logical clock, with a bound on how far ahead of it a received reading may be.
///
/// Village laptops often have wrong clocks. A reading far in the future would win every tie for
/// ever after, so a receiver refuses readings more than ``maxDriftMilliseconds`` ahead of its own
/// physical time, and the sender is told to fix its clock instead.
public struct HybridLogicalClock: Sendable {
    /// The default bound: five minutes.
    public static let defaultMaxDriftMilliseconds: UInt64 = 5 * 60 * 1000

    public private(set) var last: HLCTimestamp
    public let maxDriftMilliseconds: UInt64

    public init(last: HLCTimestamp = .zero, maxDriftMilliseconds: UInt64 = defaultMaxDriftMilliseconds) {
        self.last = last
        self.maxDriftMilliseconds = maxDriftMilliseconds
    }

    /// A reading for a local event at physical time `now` (milliseconds since 1970).
    ///
    /// When the logical part is exhausted (a reading received with it at its maximum), the reading
    /// moves on to the next millisecond instead of overflowing.
    public mutating func tick(now: UInt64) -> HLCTimestamp {
        last =
            if now > last.wallMilliseconds {
                HLCTimestamp(wallMilliseconds: now)
            } else if last.logical == .max {
                HLCTimestamp(wallMilliseconds: last.wallMilliseconds + 1)
            } else {
                HLCTimestamp(wallMilliseconds: last.wallMilliseconds, logical: last.logical + 1)
            }
        return last
    }

    /// Folds a received reading into the clock, so later local readings order after it.
    ///
    /// - Throws: ``ClockDriftError`` when `remote` is more than the bound ahead of `now`; the clock
    ///   is unchanged then.
    public mutating func observe(_ remote: HLCTimestamp, now: UInt64) throws(ClockDriftError) {
        try checkDrift(of: remote, now: now)
        advance(past: remote)
    }

    /// Folds a reading already known to be acceptable (checked by whoever let it in).
    public mutating func advance(past remote: HLCTimestamp) {
        if remote > last { last = remote }
    }

    /// Refuses a reading more than the bound ahead of the physical time `now`.
    public func checkDrift(of remote: HLCTimestamp, now: UInt64) throws(ClockDriftError) {
        if remote.wallMilliseconds > now && remote.wallMilliseconds - now > maxDriftMilliseconds {
            throw ClockDriftError(
                aheadByMilliseconds: remote.wallMilliseconds - now,
                boundMilliseconds: maxDriftMilliseconds
            )
        }
    }
}

/// A received clock reading was further ahead of the receiver's time than the drift bound allows.
public struct ClockDriftError: Error, Equatable, Sendable {
    public let aheadByMilliseconds: UInt64
    public let boundMilliseconds: UInt64
}
