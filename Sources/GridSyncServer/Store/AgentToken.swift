import Crypto
import Foundation

/// Agents' bearer tokens: 256 random bits shown once at enrollment; the store keeps only their SHA-256.
///
/// A token has the entropy of a key, so a plain hash is enough to make a stolen database useless
/// for impersonating an agent; no slow password hash is needed. Tokens start with `gs_`: a token
/// is recognisable in a leaked file, and it never starts with `-`, which a command line would
/// take for an option (`field-agent enroll --token -Xf…` failed one time in 64).
enum AgentToken {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "gs_"
            + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
    }
}
