import Foundation

/// The machine's wall clock in milliseconds since 1970, the physical part of every HLC reading.
public enum WallClock {
    public static func nowMilliseconds() -> UInt64 {
        UInt64(Date().timeIntervalSince1970 * 1000)
    }
}
