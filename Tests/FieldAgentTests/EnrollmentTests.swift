import Foundation
import GridSyncTestSupport
import Testing

/// How a laptop is enrolled, with the real binaries against a real server: the token kept off the
/// command line, and plain http only to this machine unless the worker accepts it.
@Suite struct EnrollmentTests {
    /// The token piped in on standard input; a server on this machine is reached directly even when
    /// a proxy is set (here one that does not exist), and nothing is warned about.
    @Test(.timeLimit(.minutes(1)))
    func theTokenComesFromStandardInput() async throws {
        try await LiveCounty.with { county in
            let token = try county.issueToken(grid: "c-1-1-1-1")
            let agent = county.newAgentDir(grid: "c-1-1-1-1")
            let enrolled = try BuiltBinary.fieldAgent.run(
                ["enroll", "--server", county.serverURL, "--data-dir", agent.path],
                scratch: county.folder,
                environment: ["http_proxy": "http://127.0.0.1:9", "no_proxy": ""],
                input: token + "\n"
            )
            #expect(enrolled.status == 0, "\(enrolled.stderr)")
            #expect(enrolled.stderr.isEmpty, "\(enrolled.stderr)")
            #expect(try agent.status().gridId == "c-1-1-1-1")
            #expect(try String(contentsOfFile: agent.credentialPath, encoding: .utf8) == token + "\n")
        }
    }

    /// `--token-file`: the first line, trimmed; what follows it is ignored.
    @Test(.timeLimit(.minutes(1)))
    func theTokenComesFromTheFirstLineOfAFile() async throws {
        try await LiveCounty.with { county in
            let token = try county.issueToken(grid: "c-1-1-1-1")
            let file = try county.writeTokenFile("  \(token) \r\nnot the token\n")
            let agent = county.newAgentDir(grid: "c-1-1-1-1")
            try agent.succeed(["enroll", "--server", county.serverURL, "--token-file", file])
            _ = try agent.addHousehold(grid: "c-1-1-1-1", address: "一组1号", head: "包金山")
            #expect(try agent.sync().pushed == 1)
        }
    }

    /// No token, an empty one, one no server issued, or two ways at once: refused in one sentence
    /// (the last as a usage error), before anything is written or sent.
    @Test(.timeLimit(.minutes(1)))
    func aMissingOrEmptyTokenIsRefused() async throws {
        try await LiveCounty.with { county in
            let agent = county.newAgentDir(grid: "c-1-1-1-1")
            let empty = try county.writeTokenFile("\nthe first line is empty\n")
            let cases: [(arguments: [String], input: String?, status: Int32, says: String)] = [
                ([], nil, 1, "No token came on standard input"),
                ([], "  \n", 1, "No token came on standard input"),
                ([], "gs_a\u{7F}b\n", 1, "control characters"),
                (["--token-file", empty], nil, 1, "no token on its first line"),
                (["--token-file", county.folder.appendingPathComponent("absent").path], nil, 1, "Cannot read"),
                (["--token", " "], nil, 1, "--token cannot be empty"),
                (["--token", "gs_x", "--token-file", empty], nil, 2, "not both"),
            ]
            for (arguments, input, status, says) in cases {
                let refused = try BuiltBinary.fieldAgent.run(
                    ["enroll", "--server", county.serverURL, "--data-dir", agent.path] + arguments,
                    scratch: county.folder,
                    input: input
                )
                #expect(refused.status == status, "\(arguments): \(refused.stderr)")
                let lines = refused.stderr.split(separator: "\n").filter { !$0.hasPrefix("Warning:") }
                #expect(lines.first?.contains(says) == true, "\(arguments): \(refused.stderr)")
                #expect(status == 2 || lines.count == 1, "one sentence: \(refused.stderr)")
                #expect(!FileManager.default.fileExists(atPath: agent.path), "nothing written for \(arguments)")
            }
            let chinese = try BuiltBinary.fieldAgent.run(
                ["enroll", "--server", county.serverURL, "--data-dir", agent.path],
                scratch: county.folder,
                environment: ["LANG": "zh_CN.UTF-8"]
            )
            #expect(chinese.status == 1 && chinese.stderr == "标准输入中没有令牌：请通过管道输入令牌，或使用 --token-file 指定令牌文件。\n")
        }
    }

    /// `--token` still enrolls, with one warning that other users can read it, in either language.
    @Test(.timeLimit(.minutes(1)))
    func aTokenOnTheCommandLineWorksWithAWarning() async throws {
        try await LiveCounty.with { county in
            for (language, words) in [("C", "every user of this computer"), ("zh_CN.UTF-8", "本机所有用户")] {
                let token = try county.issueToken(grid: "c-1-1-1-1")
                let agent = county.newAgentDir(grid: "c-1-1-1-1")
                let enrolled = try agent.run(
                    ["enroll", "--server", county.serverURL, "--token", token],
                    environment: ["LANG": language]
                )
                #expect(enrolled.status == 0, "\(enrolled.stderr)")
                #expect(enrolled.stderr.split(separator: "\n").count == 1, "one warning: \(enrolled.stderr)")
                #expect(enrolled.stderr.contains(words) && enrolled.stderr.contains("ps"), "\(enrolled.stderr)")
            }
        }
    }

    /// Plain http to a server off this machine is refused until the worker gives `--insecure-http`;
    /// then it warns once, and the replica remembers the choice for every later sync. The county is
    /// reached by a name only a proxy resolves: the daemon itself, taking the proxy's requests.
    @Test(.timeLimit(.minutes(1)))
    func plainHTTPOffThisMachineNeedsTheWorkersConsent() async throws {
        try await LiveCounty.with { county in
            let token = try county.issueToken(grid: "c-1-1-1-1")
            let file = try county.writeTokenFile(token + "\n")
            let remote = "http://county.gridsync.invalid:\(county.server.port)"
            let proxy = ["http_proxy": "http://127.0.0.1:\(county.server.port)", "no_proxy": ""]
            let agent = county.newAgentDir(grid: "c-1-1-1-1")

            for (language, words) in [("C", "--insecure-http"), ("zh_CN.UTF-8", "明文")] {
                let refused = try agent.run(
                    ["enroll", "--server", remote, "--token-file", file],
                    environment: proxy.merging(["LANG": language]) { $1 }
                )
                #expect(refused.status == 2, "a usage error: \(refused.stderr)")
                let sentence = refused.stderr.split(separator: "\n").first ?? ""
                #expect(sentence.contains(words) && sentence.contains(remote), "\(refused.stderr)")
                #expect(!FileManager.default.fileExists(atPath: agent.path), "nothing written, nothing sent")
            }

            let enrolled = try agent.run(
                ["enroll", "--server", remote, "--token-file", file, "--insecure-http"],
                environment: proxy
            )
            #expect(enrolled.status == 0, "\(enrolled.stderr)")
            let warnings = enrolled.stderr.split(separator: "\n")
            #expect(warnings.count == 1 && warnings[0].contains("unencrypted"), "warned once: \(enrolled.stderr)")

            let id = try agent.addHousehold(grid: "c-1-1-1-1", address: "一组2号", head: "包银山")
            let synced = try agent.run(["sync", "--json"], environment: proxy)
            #expect(synced.status == 0, "the choice is remembered: \(synced.stderr)")
            #expect(synced.stderr.isEmpty, "\(synced.stderr)")
            #expect(try agent.status().server == remote)
            #expect(try county.serverState("household/\(id)") != nil, "the edit reached the county")
        }
    }
}
