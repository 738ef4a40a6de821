/// The 18-character resident identity number (公民身份号码, GB 11643-1999).
///
/// Six digits of address code, eight of birth date, three of sequence (odd for men, even for
/// women) and a check character computed from the first seventeen with weights 2^(17-i) mod 11.
/// The check character 10 is written as an uppercase `X`, the one form stored, so one number never
/// has two spellings; input forms uppercase it before validating.
public enum ResidentIDNumber {
    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// The check character for the first seventeen digits.
    public static func checkCharacter(for first17: some StringProtocol) -> Character? {
        let digits = first17.compactMap(\.wholeNumberValue)
        guard first17.count == 17, digits.count == 17, first17.allSatisfy(\.isASCIIDigit) else { return nil }
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// The birth date written in digits 7–14, if it exists.
    public static func birthDate(of number: String) -> CalendarDate? {
        let characters = Array(number)
        guard characters.count == 18 else { return nil }
        let text = String(characters[6..<10]) + "-" + String(characters[10..<12]) + "-" + String(characters[12..<14])
        return CalendarDate(text)
    }

    public static func isValid(_ number: String) -> Bool {
        (try? validate(number, field: "idNumber")) != nil
    }

    static func validate(_ number: String, field: String) throws(ModelError) {
        let characters = Array(number)
        guard characters.count == 18, characters[0..<17].allSatisfy(\.isASCIIDigit),
            characters[17].isASCIIDigit || characters[17] == "X"
        else { throw .invalidValue(field: field, reason: .idNumberFormat) }
        guard birthDate(of: number) != nil else { throw .invalidValue(field: field, reason: .idNumberBirthDate) }
        guard checkCharacter(for: String(characters[0..<17])) == characters[17] else {
            throw .invalidValue(field: field, reason: .idNumberCheckDigit)
        }
    }
}
