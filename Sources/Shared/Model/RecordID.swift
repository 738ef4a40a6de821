/// Record ids: UUIDs created offline by whoever creates the record.
///
/// Version 7 UUIDs start with the creation time in milliseconds, so new records land at the end
/// of the B-tree index instead of at random pages, and ids created the same evening share a
/// prefix that compresses well on the wire.
public enum RecordID {
    /// A new version 7 UUID in lowercase canonical form.
    public static func make(nowMilliseconds: UInt64, using generator: inout some RandomNumberGenerator) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: nowMilliseconds >> (8 * (5 - index))) }
        for index in 6..<16 { bytes[index] = UInt8.random(in: .min ... .max, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x70  // version 7
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        let hex = bytes.map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    public static func make(nowMilliseconds: UInt64) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(nowMilliseconds: nowMilliseconds, using: &generator)
    }

    /// True for a UUID in lowercase canonical form (any version), the only form GridSync stores.
    public static func isValid(_ text: String) -> Bool {
        let characters = Array(text.utf8)
        guard characters.count == 36 else { return false }
        for (index, character) in characters.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard character == UInt8(ascii: "-") else { return false }
            } else {
                guard
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(character)
                        || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(character)
                else { return false }
            }
        }
        return true
    }
}
