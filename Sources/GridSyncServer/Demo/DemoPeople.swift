import Foundation
import Shared

/// Synthetic households and residents for the demo county, clearly marked as such.
///
/// Names come from common local surnames (Han and Mongolian) with a "演示" given-name part, ID
/// numbers use Fumeng's area code 210921 with a valid check digit, and phones are in the 170
/// virtual-operator range: plausible to the software, impossible to mistake for real people.
struct DemoPeople {
    private static let surnames = ["包", "白", "韩", "吴", "于", "鲍", "王", "李", "张", "刘", "陈", "杨", "赵", "孙", "宝", "乌"]
    private static let ethnicities = ["汉族", "蒙古族", "汉族", "蒙古族", "满族", "回族"]
    static let note = "演示数据（虚构）"

    private var generator: SplitMix64
    private var sequence = 0

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// The fields of one household's create operation and of its members' (the head first).
    mutating func household(
        in grid: GridNode,
        number: Int
    ) -> (household: [String: FieldValue], members: [[String: FieldValue]]) {
        sequence += 1
        let surname = Self.surnames[Int.random(in: 0..<Self.surnames.count, using: &generator)]
        let headName = "\(surname)演示\(sequence % 1000)"
        let household: [String: FieldValue] = [
            "gridId": .string(grid.id), "householdNumber": .string("\(grid.id)-\(number)"),
            "address": .string("\(grid.name)\(number)号"), "headName": .string(headName),
            "phone": .string("170\(String(10_000_000 + sequence).suffix(8))"),
            "residenceType": .string(Int.random(in: 0..<10, using: &generator) < 8 ? "owned" : "rented"),
            "registrationMatches": .boolean(Int.random(in: 0..<10, using: &generator) < 9),
            "status": .string("active"), "note": .string(Self.note),
        ]
        var members = [resident(named: headName, relation: "head", grid: grid)]
        if Int.random(in: 0..<3, using: &generator) > 0 {
            members.append(
                resident(
                    named:
                        "\(Self.surnames[Int.random(in: 0..<Self.surnames.count, using: &generator)])演示\(sequence % 997)",
                    relation: "spouse",
                    grid: grid
                )
            )
        }
        return (household, members)
    }

    private mutating func resident(named name: String, relation: String, grid: GridNode) -> [String: FieldValue] {
        let year = Int.random(in: 1940...2004, using: &generator)
        let month = Int.random(in: 1...12, using: &generator)
        let day = Int.random(in: 1...28, using: &generator)
        let birth = CalendarDate(year: year, month: month, day: day)!
        let order = Int.random(in: 0...999, using: &generator)
        let digits17 =
            "210921\(birth.description.replacingOccurrences(of: "-", with: ""))\(String(1000 + order).suffix(3))"
        return [
            "gridId": .string(grid.id), "relationToHead": .string(relation), "name": .string(name),
            "idNumber": .string(digits17 + String(ResidentIDNumber.checkCharacter(for: digits17)!)),
            "sex": .string(order % 2 == 1 ? "male" : "female"), "birthDate": .string(birth.description),
            "ethnicity": .string(Self.ethnicities[Int.random(in: 0..<Self.ethnicities.count, using: &generator)]),
            "populationType": .string("registered"), "status": .string("active"), "note": .string(Self.note),
        ]
    }
}
