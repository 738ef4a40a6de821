public import Foundation

/// One of the package's executables as built for the tests, run as a child process the way a
/// county runs it: `sync-server` or `field-agent`, or the benchmarks.
public struct BuiltBinary: Sendable {
    public let name: String
    /// Overrides where the binary is, for running the tests against another build.
    public let overrideVariable: String
    /// The tool's own settings in the environment, removed from the children's so a developer's
    /// shell never leaks into a test.
    public let settingsPrefix: String

    public static let syncServer = BuiltBinary(
        name: "sync-server",
        overrideVariable: "SYNC_SERVER_BINARY",
        settingsPrefix: "SYNC_SERVER_"
    )
    public static let fieldAgent = BuiltBinary(
        name: "field-agent",
        overrideVariable: "FIELD_AGENT_BINARY",
        settingsPrefix: "FIELD_AGENT_"
    )

    /// The benchmarks, built by `scripts/test.sh` with `GRIDSYNC_BENCHMARKS=1` (Package.swift).
    public static let benchmarks = BuiltBinary(
        name: "gridsync-bench",
        overrideVariable: "GRIDSYNC_BENCH_BINARY",
        settingsPrefix: "GRIDSYNC_BENCH_"
    )

    /// The package's root folder, from this file's path (Tests/TestSupport/…).
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The built binary: the override variable, else beside the test bundle, else `<root>/.build/debug`.
    public func url() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment[overrideVariable], !explicit.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: explicit) else {
                throw ServerProcessError("\(overrideVariable)=\(explicit) is not an executable file.")
            }
            return URL(fileURLWithPath: explicit)
        }
        var candidates: [URL] = []
        if let bundle = Bundle.main.executableURL {
            candidates.append(bundle.deletingLastPathComponent().appendingPathComponent(name))
        }
        candidates.append(Self.packageRoot.appendingPathComponent(".build/debug/\(name)"))
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return found
        }
        throw ServerProcessError(
            "No \(name) binary at \(candidates.map(\.path).joined(separator: " or ")). "
                + "Build it first (swift build --build-tests) or set \(overrideVariable) to its path."
        )
    }

    /// The children's environment: ours without the tool's settings, in English, plus `extra`.
    public func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix(settingsPrefix) }
        environment["LANG"] = "C"
        environment["LC_ALL"] = nil
        environment["LC_MESSAGES"] = nil
        environment.merge(extra) { $1 }
        return environment
    }

    /// What a finished command printed and how it ended.
    public struct CommandResult: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// The last line of stdout: where creating commands print the new id and `agents enroll` the token.
        public var lastLine: String { stdout.split(separator: "\n").last.map(String.init) ?? "" }
    }

    /// Runs `NAME ARGUMENTS` to completion, its output in files under `scratch` (never pipes, which
    /// block a child nobody reads).
    ///
    /// `extra` adds to the English environment, for example `["LANG": "zh_CN.UTF-8"]`. `input` is
    /// the child's standard input (else none); `umask` (octal, such as `"000"`) is set by a shell
    /// that then execs the binary, as an operator's shell or unit file would.
    public func run(
        _ arguments: [String],
        scratch: URL,
        environment extra: [String: String] = [:],
        input: String? = nil,
        umask: String? = nil
    ) throws -> CommandResult {
        let out = scratch.appendingPathComponent("cmd-\(UUID().uuidString).out")
        let err = scratch.appendingPathComponent("cmd-\(UUID().uuidString).err")
        let stdin = scratch.appendingPathComponent("cmd-\(UUID().uuidString).in")
        defer {
            for file in [out, err, stdin] { try? FileManager.default.removeItem(at: file) }
        }
        let process = Process()
        try launch(process, arguments, umask: umask)
        process.environment = environment(extra)
        if let input {
            try input.write(to: stdin, atomically: false, encoding: .utf8)
            process.standardInput = try FileHandle(forReadingFrom: stdin)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        process.standardOutput = try Self.writeHandle(out)
        process.standardError = try Self.writeHandle(err)
        try process.run()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        )
    }

    /// Points `process` at the binary with `arguments`, through `/bin/sh -c 'umask M && exec …'`
    /// when a umask is asked for.
    func launch(_ process: Process, _ arguments: [String], umask: String?) throws {
        guard let umask else {
            process.executableURL = try url()
            process.arguments = arguments
            return
        }
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "umask \(umask) && exec \"$0\" \"$@\"", try url().path] + arguments
    }

    static func writeHandle(_ url: URL) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ServerProcessError("Cannot create \(url.path).")
        }
        return try FileHandle(forWritingTo: url)
    }
}
