import Foundation
import Shared

/// A JSON document as a tree the hostile generator can take apart: keys keep their order and may
/// repeat, and a number is kept as its text, so anything a client could send can be written.
indirect enum JSONTree {
    case object([(String, JSONTree)])
    case array([JSONTree])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    var text: String {
        switch self {
        case .object(let pairs): "{" + pairs.map { Self.quote($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        case .array(let items): "[" + items.map(\.text).joined(separator: ",") + "]"
        case .string(let value): Self.quote(value)
        case .number(let digits): digits
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        }
    }

    static func quote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The tree of a value as GridSync writes it.
    init(_ value: some CanonicalEncodable) {
        var parser = Parser(bytes: Array(CanonicalJSON.encode(value)))
        self = parser.value()
    }

    /// Reads the canonical JSON the project writes (no whitespace, `\\` and `\"` and `\uXXXX` escapes).
    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func value() -> JSONTree {
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var pairs: [(String, JSONTree)] = []
                while bytes[index] != UInt8(ascii: "}") {
                    let key = string()
                    index += 1  // :
                    pairs.append((key, value()))
                    if bytes[index] == UInt8(ascii: ",") { index += 1 }
                }
                index += 1
                return .object(pairs)
            case UInt8(ascii: "["):
                index += 1
                var items: [JSONTree] = []
                while bytes[index] != UInt8(ascii: "]") {
                    items.append(value())
                    if bytes[index] == UInt8(ascii: ",") { index += 1 }
                }
                index += 1
                return .array(items)
            case UInt8(ascii: "\""): return .string(string())
            case UInt8(ascii: "t"):
                index += 4
                return .bool(true)
            case UInt8(ascii: "f"):
                index += 5
                return .bool(false)
            case UInt8(ascii: "n"):
                index += 4
                return .null
            default:
                let start = index
                while index < bytes.count, !",]}".utf8.contains(bytes[index]) { index += 1 }
                return .number(String(decoding: bytes[start..<index], as: UTF8.self))
            }
        }

        mutating func string() -> String {
            index += 1
            var out: [UInt8] = []
            while bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") {
                    let escape = bytes[index + 1]
                    if escape == UInt8(ascii: "u") {
                        let hex = String(decoding: bytes[(index + 2)..<(index + 6)], as: UTF8.self)
                        out += Array(String(Character(Unicode.Scalar(UInt32(hex, radix: 16)!)!)).utf8)
                        index += 6
                    } else {
                        let map: [UInt8: UInt8] = [
                            UInt8(ascii: "n"): 0x0A, UInt8(ascii: "t"): 0x09, UInt8(ascii: "r"): 0x0D,
                            UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C,
                        ]
                        out.append(map[escape] ?? escape)
                        index += 2
                    }
                } else {
                    out.append(bytes[index])
                    index += 1
                }
            }
            index += 1
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Every path to a node, for picking one at random.
    func paths(_ prefix: [Int] = []) -> [[Int]] {
        var all = [prefix]
        switch self {
        case .object(let pairs): for (index, pair) in pairs.enumerated() { all += pair.1.paths(prefix + [index]) }
        case .array(let items): for (index, item) in items.enumerated() { all += item.paths(prefix + [index]) }
        default: break
        }
        return all
    }

    /// The tree with the node at `path` changed by `change`.
    func replacing(at path: ArraySlice<Int>, _ change: (JSONTree) -> JSONTree) -> JSONTree {
        guard let first = path.first else { return change(self) }
        switch self {
        case .object(var pairs) where first < pairs.count:
            pairs[first].1 = pairs[first].1.replacing(at: path.dropFirst(), change)
            return .object(pairs)
        case .array(var items) where first < items.count:
            items[first] = items[first].replacing(at: path.dropFirst(), change)
            return .array(items)
        default: return self
        }
    }
}

/// Hostile requests for `POST /v1/sync`: a valid request taken apart at random, with numbers at
/// and around every bound, junk in every field, nesting, forged dots, contexts and scopes.
struct HostileRequests {
    var random: SplitMix64

    /// Integers at and around every bound the protocol has, and past what any reader holds.
    static let integers = [
        "0", "1", "-1", "2", "30", "31", "4294967295", "4294967296", "9007199254740991", "9007199254740992",
        "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
        "-9223372036854775809", "1.5", "1e3", "1e400", "-0", String(repeating: "9", count: 300), "0.0",
    ]

    static let strings = [
        "", " ", "c-2", "c-1-2-1-1", "c-dept", "c", "c-404", "household", "incident", "workLog", "resident", "create",
        "set", "event", "log", "register", "approveExtension", "dispatch", "\u{0}", "a\nb", "\u{202E}", "👨‍👩‍👧",
        String(repeating: "长", count: 6_000), "e" + String(repeating: "\u{0301}", count: 3_000),
        "0193A5C2-7B1E-7C3D-9F2E-1A2B3C4D5E6F", "00000000-0000-0000-0000-000000000000", "\\", "\"",
    ]

    mutating func pick<Element>(_ items: [Element]) -> Element {
        items[Int(random.next() % UInt64(items.count))]
    }

    mutating func chance(_ oneIn: UInt64) -> Bool { random.next() % oneIn == 0 }

    /// One hostile value of any kind.
    mutating func junk(depth: Int = 0) -> JSONTree {
        switch random.next() % 9 {
        case 0, 1: return .number(pick(Self.integers))
        case 2, 3: return .string(pick(Self.strings))
        case 4: return .bool(chance(2))
        case 5: return .null
        case 6:
            let levels = Int(random.next() % 60) + 1
            var tree: JSONTree = .number("1")
            for _ in 0..<levels { tree = chance(2) ? .array([tree]) : .object([("k", tree)]) }
            return tree
        case 7 where depth < 2: return .array((0..<Int(random.next() % 4)).map { _ in junk(depth: depth + 1) })
        default: return .object([(pick(["dot", "context", "fields", "1", "gridId", "x"]), junk(depth: depth + 1))])
        }
    }

    /// Takes `tree` apart: one to three mutations anywhere in it. Most keep the value's kind (a
    /// number for a number, a string for a string), so they reach the checks past the decoder.
    mutating func mutate(_ tree: JSONTree) -> JSONTree {
        var result = tree
        for _ in 0..<(1 + Int(random.next() % 3)) {
            let path = pick(result.paths())
            result = result.replacing(at: path[...]) { node in
                switch (node, random.next() % 10) {
                case (.number, 0...5): return .number(pick(Self.integers))
                case (.string, 0...5): return .string(pick(Self.strings))
                case (.object(var pairs), 0...2) where !pairs.isEmpty:
                    pairs.remove(at: Int(random.next() % UInt64(pairs.count)))
                    return .object(pairs)
                case (.object(var pairs), 3...6):
                    // A key twice, a key the object does not have, or a forged clock entry.
                    let key = pick(["kind", "extra", "dot", "node", "registryNumber", "0", "1", "999", "4294967295"])
                    pairs.append(
                        chance(3) && !pairs.isEmpty
                            ? pairs[0] : (key, chance(2) ? .number(pick(Self.integers)) : junk())
                    )
                    return .object(pairs)
                case (.array(let items), 0...4) where !items.isEmpty:
                    return .array(items + Array(repeating: items[0], count: 1 + Int(random.next() % 2)))
                case (.array(let items), 5...6) where !items.isEmpty:
                    return .array(Array(items.dropLast()))
                default: return junk()
                }
            }
        }
        return result
    }

    /// The body bytes: the JSON gzip-compressed, and now and then cut short or flipped.
    mutating func body(_ tree: JSONTree) -> (Data, gzip: Bool) {
        var json = Data(tree.text.utf8)
        if chance(80) { json = json.prefix(Int(random.next() % UInt64(json.count + 1))) }
        guard !chance(20) else { return (json, false) }
        var compressed = Gzip.compress(json)
        if chance(80), !compressed.isEmpty {
            let index = compressed.startIndex + Int(random.next() % UInt64(compressed.count))
            compressed[index] ^= UInt8(truncatingIfNeeded: random.next() | 1)
        }
        return (compressed, true)
    }
}
