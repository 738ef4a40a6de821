import ConsoleSupport
import Foundation
import GridSyncAgent
import Shared

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where `field-agent enroll` takes the operator's token from.
///
/// Whoever holds the token can write to the county's records as this laptop. On the command line
/// (`--token`) every user of the laptop can read it in `ps` and the shell's history keeps it, so
/// a file the worker alone can read (`--token-file`) or standard input is the way; `--token` still
/// works, with a warning.
enum EnrollToken {
    /// The token from `--token`, else the first line of `--token-file`, else one line of standard
    /// input, trimmed.
    ///
    /// - Throws: ``AgentError`` when there is none, or when it holds spaces or control characters,
    ///   which no issued token has and which must never reach a request header.
    static func read(option: String?, file: String?) throws(AgentError) -> String {
        if let option { return try checked(option, else: refusal("--token cannot be empty.", "--token 不能为空。")) }
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw refusal("Cannot read the token file \(file).", "无法读取令牌文件 \(file)。")
            }
            // Character.isNewline also ends a line at "\r\n", a single Character in Swift.
            let firstLine = text.split(maxSplits: 1, omittingEmptySubsequences: false, whereSeparator: \.isNewline)
                .first
            return try checked(
                String(firstLine ?? ""),
                else: refusal("The token file \(file) has no token on its first line.", "令牌文件 \(file) 的第一行没有令牌。")
            )
        }
        if isatty(STDIN_FILENO) == 1 {
            Console.error(
                LocalizedText(
                    "Paste the token from sync-server agents enroll, then press Enter:",
                    zh: "请粘贴 sync-server agents enroll 给出的令牌，然后按回车："
                )
            )
        }
        return try checked(
            readLine(strippingNewline: true) ?? "",
            else: refusal(
                "No token came on standard input: pipe it in, or give --token-file FILE.",
                "标准输入中没有令牌：请通过管道输入令牌，或使用 --token-file 指定令牌文件。"
            )
        )
    }

    /// The warning `--token` earns, printed once before anything else happens.
    static let commandLineWarning = LocalizedText(
        "Warning: a token given with --token can be read by every user of this computer (ps, shell history); use --token-file FILE or standard input instead.",
        zh: "警告：用 --token 提供的令牌可被本机所有用户看到（ps 命令、命令历史）；请改用 --token-file 令牌文件或标准输入。"
    )

    private static func checked(_ text: String, else missing: AgentError) throws(AgentError) -> String {
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw missing }
        guard token.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
            throw refusal(
                "That is not a token from sync-server agents enroll: it holds spaces or control characters.",
                "这不是 sync-server agents enroll 给出的令牌：其中含有空格或控制字符。"
            )
        }
        return token
    }

    private static func refusal(_ english: String, _ chinese: String) -> AgentError {
        AgentError(code: .invalidValue, message: LocalizedText(english, zh: chinese))
    }
}
