public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real `sync-server` child process, for tests that must run (and crash) the daemon the way it
/// runs in a county: `sync-server serve --data-dir D --port 0`, killed with SIGKILL at will.
///
/// The child's stdout and stderr go to files in a log folder, never to pipes: a pipe nobody reads
/// fills up and blocks the child, and a killed child leaves nothing half-read behind.
public final class ServerProcess: @unchecked Sendable {
    /// The `serve` child; only touched from the test's own task.
    private let process: Process
    /// The port the daemon reported once it was listening.
    public let port: Int
    public let stdoutPath: String
    public let stderrPath: String

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    private init(process: Process, port: Int, stdoutPath: String, stderrPath: String) {
        self.process = process
        self.port = port
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    deinit {
        // Never leave a daemon behind, whatever path the test took out.
        if process.isRunning { sendSIGKILL(process.processIdentifier) }
    }

    // MARK: The daemon

    /// Starts `sync-server serve --data-dir DATA --port 0` and waits until it listens and `/health` answers.
    ///
    /// - Parameters:
    ///   - logs: the folder for the child's stdout and stderr (`serve-N.out`, `serve-N.err`).
    ///   - generation: numbers the log files, one pair per start.
    ///   - umask: set by a shell that then execs the daemon (see ``BuiltBinary/run(_:scratch:environment:input:umask:)``).
    ///   - health: asks `GET /health` on the port; true once it answers 200.
    public static func serve(
        dataDirectory: String,
        logs: URL,
        generation: Int,
        environment extra: [String: String] = [:],
        umask: String? = nil,
        port requested: Int = 0,
        timeout: Duration = .seconds(20),
        health: (Int) async -> Bool
    ) async throws -> ServerProcess {
        let out = logs.appendingPathComponent("serve-\(generation).out")
        let err = logs.appendingPathComponent("serve-\(generation).err")
        let process = Process()
        try BuiltBinary.syncServer.launch(
            process,
            ["serve", "--data-dir", dataDirectory, "--host", "127.0.0.1", "--port", "\(requested)"],
            umask: umask
        )
        process.environment = BuiltBinary.syncServer.environment(extra)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try BuiltBinary.writeHandle(out)
        process.standardError = try BuiltBinary.writeHandle(err)
        try process.run()

        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var port: Int?
        func failure(_ what: String) -> ServerProcessError {
            if process.isRunning { sendSIGKILL(process.processIdentifier) }
            let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            return ServerProcessError("sync-server serve \(what). Its stderr ends:\n\(stderr.suffix(2000))")
        }
        while port == nil {
            if let text = try? String(contentsOf: out, encoding: .utf8) { port = listeningPort(in: text) }
            if port != nil { break }
            guard process.isRunning else {
                throw failure("exited with status \(process.terminationStatus) before listening")
            }
            guard clock.now < deadline else { throw failure("did not report a port within \(timeout)") }
            try await Task.sleep(for: .milliseconds(5))
        }
        let server = ServerProcess(process: process, port: port!, stdoutPath: out.path, stderrPath: err.path)
        while !(await health(server.port)) {
            guard process.isRunning else {
                throw failure("exited with status \(process.terminationStatus) before /health answered")
            }
            guard clock.now < deadline else {
                throw failure("listened on \(server.port) but /health did not answer within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        return server
    }

    /// The port in the line "GridSync is serving http://HOST:PORT from DIR.".
    public static func listeningPort(in stdout: String) -> Int? {
        for line in stdout.split(separator: "\n") where line.hasPrefix("GridSync is serving ") {
            guard let scheme = line.range(of: "://") else { continue }
            let rest = line[scheme.upperBound...]
            guard let colon = rest.firstIndex(of: ":") else { continue }
            let digits = rest[rest.index(after: colon)...].prefix { $0.isNumber }
            if let port = Int(digits), port > 0 { return port }
        }
        return nil
    }

    /// SIGKILL, then wait until the child is reaped; returns how it ended.
    @discardableResult
    public func kill(timeout: Duration = .seconds(10)) async throws -> Process.TerminationReason {
        try await stop(with: SIGKILL, timeout: timeout).reason
    }

    /// Sends `signal` (SIGTERM asks for a graceful shutdown) and waits until the child is reaped.
    public func stop(
        with signal: Int32,
        timeout: Duration = .seconds(10)
    ) async throws -> (reason: Process.TerminationReason, status: Int32) {
        if process.isRunning { _ = sendSignal(process.processIdentifier, signal) }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while process.isRunning {
            guard clock.now < deadline else {
                throw ServerProcessError("sync-server (pid \(pid)) still runs \(timeout) after signal \(signal)")
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        return (process.terminationReason, process.terminationStatus)
    }

    /// SIGKILL without waiting long, for cleanup paths that cannot await.
    public func killNow() {
        guard process.isRunning else { return }
        sendSIGKILL(process.processIdentifier)
        process.waitUntilExit()
    }

}

/// `kill(pid, SIGKILL)`, named apart from ``ServerProcess/kill(timeout:)``.
func sendSIGKILL(_ pid: Int32) {
    _ = kill(pid, SIGKILL)
}

func sendSignal(_ pid: Int32, _ signal: Int32) -> Int32 {
    kill(pid, signal)
}

public struct ServerProcessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
