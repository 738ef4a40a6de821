public import Foundation
public import Shared

/// What a person at the console sees, for both command-line tools: one language chosen from the
/// locale, JSON for machines, tables padded for Chinese text, and errors on stderr.
public enum Console {
    public static let language = Language.current

    /// The text in the operator's language.
    public static func localized(_ english: String, _ chinese: String) -> String {
        LocalizedText(english, zh: chinese).text(in: language)
    }

    public static func say(_ english: String, _ chinese: String) {
        print(localized(english, chinese))
        fflush(nil)
    }

    public static func error(_ text: LocalizedText) {
        FileHandle.standardError.write(Data((text.text(in: language) + "\n").utf8))
    }

    /// Pretty, key-sorted JSON on stdout, for `--json` (a view made for the console).
    public static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// A wire type for `--json` (`grids list`): its one canonical form, laid out as the views are.
    public static func printJSON(_ value: some CanonicalEncodable) {
        print(indented(CanonicalJSON.encode(value)))
    }

    /// Canonical JSON (no whitespace) on lines, two spaces a level, `"key" : value`, keys in the
    /// order they came: only the layout changes, never a key, a value or an escape.
    static func indented(_ json: Data) -> String {
        let bytes = [UInt8](json)
        var out: [UInt8] = []
        var depth = 0
        var inString = false
        var escaped = false
        func newline() {
            out.append(UInt8(ascii: "\n"))
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if inString {
                out.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                out.append(byte)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                out.append(byte)
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") || bytes[index] == UInt8(ascii: "]") {
                    out.append(bytes[index])  // an empty object or array stays on its line
                    index += 1
                } else {
                    depth += 1
                    newline()
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                newline()
                out.append(byte)
            case UInt8(ascii: ","):
                out.append(byte)
                newline()
            case UInt8(ascii: ":"):
                out.append(contentsOf: " : ".utf8)
            default:
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Left-aligned columns for people, padded by display width (a Chinese character takes two);
    /// an all-empty header prints no header line (label/value listings).
    public static func printTable(_ header: [String], _ rows: [[String]]) {
        let all = (header.allSatisfy(\.isEmpty) ? [] : [header]) + rows
        let widths = header.indices.map { column in all.map { width(of: $0[column]) }.max() ?? 0 }
        for row in all {
            print(
                row.enumerated().map { $1 + String(repeating: " ", count: widths[$0] - width(of: $1)) }.joined(
                    separator: "  "
                ).trimmingCharacters(in: .whitespaces)
            )
        }
    }

    private static func width(of text: String) -> Int {
        text.unicodeScalars.reduce(0) {
            $0
                + ($1.value >= 0x1100 && $1.properties.isIdeographic || (0xFF00...0xFFEF).contains($1.value)
                    || (0x3000...0x303F).contains($1.value) ? 2 : 1)
        }
    }

    /// Who is at the console, for the audit trail.
    public static var operatorName: String {
        let environment = ProcessInfo.processInfo.environment
        return "operator:" + (environment["SUDO_USER"] ?? environment["USER"] ?? "unknown")
    }

    /// A local time in the county (UTC+8) for display.
    public static func time(_ milliseconds: UInt64?) -> String {
        guard let milliseconds else { return "-" }
        let date = CountyTime.date(atMilliseconds: milliseconds)
        let secondsOfDay = Int(CountyTime.fractionOfDay(atMilliseconds: milliseconds) * 86_400)
        return String(format: "%@ %02d:%02d", date.description, secondsOfDay / 3600, secondsOfDay % 3600 / 60)
    }
}
