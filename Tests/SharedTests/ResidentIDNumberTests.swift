import Testing

@testable import Shared

/// Resident identity numbers (GB 11643-1999): format, birth date and check digit.
///
/// The valid examples were computed independently with the GB 11643 algorithm (weights
/// 2^(17-i) mod 11, check characters "10X98765432").
@Suite struct ResidentIDNumberTests {
    private static func validate(_ number: String) throws(ModelError) {
        try ResidentIDNumber.validate(number, field: "idNumber")
    }

    @Test(arguments: [
        ("11010519491231002", Character("X")),
        ("44030019900101123", "8"),
        ("21092119850615201", "7"),
        ("21092120000229304", "3"),
        ("21090219760704883", "X"),
    ])
    func checkCharacterOfKnownNumbers(first17: String, expected: Character) {
        #expect(ResidentIDNumber.checkCharacter(for: first17) == expected)
    }

    @Test(arguments: [
        "11010519491231002X", "440300199001011238", "210921198506152017", "210921200002293043", "21090219760704883X",
    ])
    func validNumbersPass(number: String) throws {
        try Self.validate(number)
        #expect(ResidentIDNumber.isValid(number))
    }

    @Test func checkCharacterNeedsSeventeenDigits() {
        #expect(ResidentIDNumber.checkCharacter(for: "1101051949123100") == nil)
        #expect(ResidentIDNumber.checkCharacter(for: "110105194912310021") == nil)
        #expect(ResidentIDNumber.checkCharacter(for: "1101051949123100A") == nil)
    }

    @Test func wrongCheckDigitIsRefused() {
        #expect(throws: ModelError.invalidValue(field: "idNumber", reason: .idNumberCheckDigit)) {
            try Self.validate("110105194912310021")
        }
        #expect(!ResidentIDNumber.isValid("440300199001011239"))
    }

    @Test func wrongCheckDigitErrorHasTheInvalidValueCode() {
        let error = #expect(throws: ModelError.self) { try Self.validate("110105194912310020") }
        #expect(error?.code == .invalidValue)
        #expect(error?.field == "idNumber")
        #expect(error?.message.english.contains("check digit") == true)
    }

    /// One number, one spelling: the stored form is uppercase, and input forms uppercase it first.
    @Test func lowercaseXIsRefused() {
        #expect(throws: ModelError.invalidValue(field: "idNumber", reason: .idNumberFormat)) {
            try Self.validate("11010519491231002x")
        }
        #expect(ResidentIDNumber.isValid("21090219760704883X"))
    }

    @Test(arguments: ["", "11010519491231002", "11010519491231002X0", "1101051949123100"])
    func wrongLengthIsRefused(number: String) {
        #expect(throws: ModelError.invalidValue(field: "idNumber", reason: .idNumberFormat)) {
            try Self.validate(number)
        }
    }

    @Test(arguments: ["1101051949123100AX", "11010519491231002Y", "X10105194912310021", "１１0105194912310021"])
    func nonDigitsAreRefused(number: String) {
        #expect(throws: ModelError.invalidValue(field: "idNumber", reason: .idNumberFormat)) {
            try Self.validate(number)
        }
    }

    /// Each has the right check digit for its first seventeen digits, so only the date is at fault.
    @Test(arguments: ["210921198513152015", "210921198502302014", "210921202302292017"])
    func impossibleBirthDateIsRefused(number: String) {
        #expect(throws: ModelError.invalidValue(field: "idNumber", reason: .idNumberBirthDate)) {
            try Self.validate(number)
        }
    }

    @Test func birthDateIsReadFromDigitsSevenToFourteen() {
        #expect(ResidentIDNumber.birthDate(of: "11010519491231002X") == CalendarDate(year: 1949, month: 12, day: 31))
        #expect(ResidentIDNumber.birthDate(of: "210921200002293043") == CalendarDate(year: 2000, month: 2, day: 29))
    }

    @Test func theResidentSchemaUsesTheSameRule() {
        #expect(throws: ModelError.invalidValue(field: "idNumber", reason: .idNumberCheckDigit)) {
            try ValueRule.residentIDNumber.validate(.string("110105194912310021"), field: "idNumber")
        }
    }
}

/// Mainland phone numbers as grid workers write them.
@Suite struct PhoneNumberTests {
    @Test(arguments: ["13800138000", "19912345678", "15004181234"])
    func mobileNumbersPass(number: String) {
        #expect(PhoneNumber.isValid(number))
    }

    @Test(arguments: ["12800138000", "10800138000", "23800138000", "1380013800", "138001380000"])
    func mobileNumbersWithTheWrongPrefixOrLengthAreRefused(number: String) {
        #expect(!PhoneNumber.isValid(number))
    }

    @Test(arguments: ["0418-1234567", "010-12345678", "0418-12345678", "024-1234567"])
    func landlinesWithAHyphenPass(number: String) {
        #expect(PhoneNumber.isValid(number))
    }

    /// `0418` + 7 digits is 11 digits, the same length as a mobile number.
    @Test(arguments: ["04181234567", "0101234567", "041812345678"])
    func landlinesWithoutAHyphenPass(number: String) {
        #expect(PhoneNumber.isValid(number))
    }

    @Test(arguments: [
        "", "phone", "0418-123456", "04-1234567", "04181-1234567", "0418--1234567", "0418-1234-567", "0418 1234567",
        "418-1234567", "+8613800138000", "138-0013-8000", "041812", "1380013800a",
        "１３８００１３８０００", "1380013800\u{0301}0", "0418-\u{0301}1234567", "0418\u{2011}1234567",
    ])
    func junkIsRefused(text: String) {
        #expect(!PhoneNumber.isValid(text))
    }

    @Test func theRuleRefusesWithThePhoneReason() {
        #expect(throws: ModelError.invalidValue(field: "phone", reason: .phone)) {
            try ValueRule.phone.validate(.string("12800138000"), field: "phone")
        }
    }
}
