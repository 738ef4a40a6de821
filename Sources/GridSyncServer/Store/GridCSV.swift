import Foundation
package import Shared

/// Reads the grid import file: a header `id,parent_id,level,name,kind`, then one node a line.
///
/// Fields may be quoted ("…", with "" for a quote) so names can hold commas. Every line is
/// checked before anything is imported, and an error names its line.
package enum GridCSV {
    static let header = ["id", "parent_id", "level", "name", "kind"]

    /// The nodes of the file, each with its line number.
    package static func parse(_ text: String) throws(ModelError) -> [(line: Int, node: GridNode)] {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard let first = lines.first, try fields(of: first, line: 1).map({ $0.lowercased() }) == header else {
            throw .invalid(
                LocalizedText(
                    "Line 1 must be the header id,parent_id,level,name,kind.",
                    zh: "第1行必须是表头 id,parent_id,level,name,kind。"
                )
            )
        }
        var nodes: [(line: Int, node: GridNode)] = []
        for (offset, line) in lines.enumerated().dropFirst() where !line.allSatisfy(\.isWhitespace) {
            let number = offset + 1
            let values = try fields(of: line, line: number)
            guard values.count == 5 else {
                throw .invalid(
                    LocalizedText(
                        "Line \(number) must have 5 fields, not \(values.count).",
                        zh: "第\(number)行必须有5个字段，而不是\(values.count)个。"
                    )
                )
            }
            guard let levelNumber = Int(values[2]), let level = GridLevel(rawValue: levelNumber) else {
                throw .invalid(LocalizedText("Line \(number): level must be 0 to 4.", zh: "第\(number)行：级别必须是0到4。"))
            }
            guard let kind = GridNode.Kind(rawValue: values[4]) else {
                throw .invalid(
                    LocalizedText(
                        "Line \(number): kind must be urban, rural or department.",
                        zh: "第\(number)行：类型必须是 urban、rural 或 department。"
                    )
                )
            }
            let node = GridNode(
                id: values[0],
                parentID: values[1].isEmpty ? nil : values[1],
                level: level,
                name: values[3],
                kind: kind
            )
            nodes.append((number, node))
        }
        return nodes
    }

    /// Points a grid-tree error at the line of the node it names.
    package static func locate(_ error: ModelError, in nodes: [(line: Int, node: GridNode)]) -> ModelError {
        guard let id = error.field, let line = nodes.first(where: { $0.node.id == id })?.line else { return error }
        return .invalidNode(
            id,
            LocalizedText("Line \(line): \(error.message.english)", zh: "第\(line)行：\(error.message.chinese)")
        )
    }

    /// Splits one line into fields, honouring quotes.
    private static func fields(of line: Substring, line number: Int) throws(ModelError) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            switch (character, quoted) {
            case ("\"", false) where current.isEmpty: quoted = true
            case ("\"", true):
                if let next = iterator.next() {
                    if next == "\"" {
                        current.append("\"")
                    } else if next == "," {
                        fields.append(current)
                        current = ""
                        quoted = false
                    } else {
                        throw .invalid(LocalizedText("Line \(number) has a stray quote.", zh: "第\(number)行有多余的引号。"))
                    }
                } else {
                    quoted = false
                }
            case (",", false):
                fields.append(current)
                current = ""
            default: current.append(character)
            }
        }
        guard !quoted else {
            throw .invalid(LocalizedText("Line \(number) has an unclosed quote.", zh: "第\(number)行的引号未闭合。"))
        }
        fields.append(current)
        return fields.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
