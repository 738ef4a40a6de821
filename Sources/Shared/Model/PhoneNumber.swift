/// Mainland China phone numbers as grid workers write them down.
public enum PhoneNumber {
    /// An 11-digit mobile number starting 13–19, or a landline: area code 0 + 2–3 digits, an optional
    /// hyphen, and 7–8 digits (`0418-1234567`).
    public static func isValid(_ text: String) -> Bool {
        let characters = Array(text)
        if characters.count == 11, characters.allSatisfy(\.isASCIIDigit), characters[0] == "1" {
            return ("3"..."9").contains(characters[1])
        }
        guard characters.first == "0" else { return false }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let digits = parts.joined()
        guard parts.count <= 2, digits.allSatisfy(\.isASCIIDigit) else { return false }
        if parts.count == 2 {
            return (3...4).contains(parts[0].count) && (7...8).contains(parts[1].count)
        }
        return (10...12).contains(digits.count)
    }
}
