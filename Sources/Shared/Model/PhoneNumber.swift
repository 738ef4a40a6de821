/// Mainland China phone numbers as grid workers write them down.
public enum PhoneNumber {
    /// An 11-digit mobile number starting 13–19, or a landline: area code 0 + 2–3 digits, an optional
    /// hyphen, and 7–8 digits (`0418-1234567`).
    ///
    /// Read as UTF-8 bytes: every phone field of every operation is checked, and a `Character`
    /// array cost a grapheme break per digit. Digits and the hyphen are one byte each, so any
    /// other character is a byte that is neither and fails.
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        if bytes.count == 11, bytes.allSatisfy(isDigit), bytes[0] == UInt8(ascii: "1") {
            return (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(bytes[1])
        }
        guard bytes.first == UInt8(ascii: "0") else { return false }
        let hyphens = bytes.indices.filter { bytes[$0] == UInt8(ascii: "-") }
        guard hyphens.count <= 1, bytes.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: "-") }) else { return false }
        if let hyphen = hyphens.first {
            return (3...4).contains(hyphen) && (7...8).contains(bytes.count - hyphen - 1)
        }
        return (10...12).contains(bytes.count)
    }
}
