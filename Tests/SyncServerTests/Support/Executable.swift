import Foundation

/// Runs a built product of this package as a real process, the way an operator would.
struct Executable {
    let url: URL

    /// `sync-server` from the build folder the tests were built into.
    static let syncServer = Executable(
        url: ProcessInfo.processInfo.environment["SYNC_SERVER_BINARY"].map(URL.init(fileURLWithPath:))
            ?? Bundle.main.executableURL!.deletingLastPathComponent().appendingPathComponent("sync-server"))

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String

        var lastLine: String { stdout.split(separator: "\n").last.map(String.init) ?? "" }
    }

    /// Runs to completion with `arguments`; `language` picks the locale (English unless "zh").
    func run(_ arguments: [String], language: String = "C", environment extra: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = language == "zh" ? "zh_CN.UTF-8" : "C"
        environment["LC_ALL"] = nil
        environment["LC_MESSAGES"] = nil
        environment.merge(extra) { $1 }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain stderr on another thread while reading stdout here, so a chatty process never
        // blocks on a full pipe.
        let errors = Drain(err.fileHandleForReading)
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
            stderr: String(decoding: errors.wait(), as: UTF8.self))
    }
}

/// Reads a file handle to its end on a background thread.
private final class Drain: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
