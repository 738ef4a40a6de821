import Logging

extension Logger.MetadataValue {
    /// Text a client sent, made safe for a log line: control characters and backslashes escaped
    /// (a newline in a path would otherwise forge a log line), at most `limit` characters.
    static func untrusted(_ text: some StringProtocol, limit: Int = 200) -> Logger.MetadataValue {
        var escaped = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            if scalar == "\\" {
                escaped += "\\\\"
            } else if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format {
                escaped += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        if text.unicodeScalars.count > limit { escaped += "…" }
        return .string(escaped)
    }
}
