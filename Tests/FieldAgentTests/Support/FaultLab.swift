import Foundation
import GRDB
import GridSyncTestSupport
import Shared
import Testing

@testable import GridSyncAgent

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the faulty-link, crash and request-count tests add to ``LiveCounty``: agents enrolled
/// through a ``FaultProxy``, agents driven in-process through the library, `field-agent` children
/// killed at will, and the server's oplog and metrics read beside the daemon.
///
/// A namespace of its own, so that nothing here collides with what other tests add to `LiveCounty`.
enum FaultLab {
    // MARK: Enrollment

    /// Enrolls an agent at `grid` with `field-agent enroll --server SERVER`, so that it remembers
    /// that address (a ``FaultProxy``'s) for every later sync.
    static func enroll(
        _ county: LiveCounty,
        grid: String,
        server: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> AgentDir {
        try county.enroll(grid: grid, server: server, sourceLocation: sourceLocation)
    }

    // MARK: The agent as a library

    /// A client that gives up at the first failure, so that every cut surfaces as a thrown error,
    /// with timeouts short enough that a hung transfer fails the test instead of stalling it.
    static func impatientClient(baseURL: String, token: String) -> ServerClient {
        var settings = TransportSettings()
        settings.connectTimeoutSeconds = 5
        settings.lowSpeedBytesPerSecond = 1
        settings.lowSpeedSeconds = 10
        settings.totalTimeoutSeconds = 30
        return ServerClient(
            baseURL: baseURL,
            token: token,
            settings: settings,
            retry: RetryPolicy(attempts: 1, baseDelay: 0)
        )
    }

    static func token(of agent: AgentDir) throws -> String {
        try String(contentsOfFile: agent.credentialPath, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines
        )
    }

    /// One sync through the library, with a fresh client (and so a fresh connection) to `baseURL`.
    static func sync(_ database: AgentDatabase, baseURL: String, token: String) throws -> SyncSummary {
        let client = impatientClient(baseURL: baseURL, token: token)
        return try Synchronizer(
            database: database,
            client: client,
            progress: NoProgress()
        )
        .sync()
    }

    /// `PRAGMA integrity_check` of a replica, opened the way the agent opens it.
    static func integrity(of agent: AgentDir) throws -> String {
        let database = try AgentDatabase.open(directory: agent.path)
        return try database.writer.read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
        }
    }

    /// The outbox counters of a replica, in order.
    static func outboxCounters(_ database: AgentDatabase) throws -> [UInt64] {
        try database.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT counter FROM outbox ORDER BY counter").map(UInt64.init)
        }
    }

    // MARK: The server's store

    /// The counters the server's oplog holds for `replica`, in order, duplicates included.
    static func oplogCounters(_ county: LiveCounty, replica: UInt32) throws -> [UInt64] {
        try readServer(county) { db in
            try Int64.fetchAll(
                db,
                sql: "SELECT counter FROM oplog WHERE replica = ? ORDER BY counter",
                arguments: [Int64(replica)]
            ).map(UInt64.init)
        }
    }

    /// The server's own view of an agent: `agent.acknowledgedThrough`.
    static func serverAcknowledged(_ county: LiveCounty, replica: UInt32) throws -> UInt64? {
        try readServer(county) { db in
            try Int64.fetchOne(
                db,
                sql: "SELECT acknowledgedThrough FROM agent WHERE replica = ?",
                arguments: [Int64(replica)]
            ).map(UInt64.init)
        }
    }

    /// Every operation in the server's oplog, in sequence order (nothing is compacted while a
    /// test runs: compaction waits `oplog.compactionIntervalSeconds`, an hour by default).
    static func oplogOperations(_ county: LiveCounty) throws -> [SyncOperation] {
        try readServer(county) { db in
            try Data.fetchAll(db, sql: "SELECT body FROM oplog ORDER BY seq").map {
                try CanonicalJSON.decode(SyncOperation.self, from: $0)
            }
        }
    }

    /// The epoch the server's store presents now (its newest `storeEpoch` row).
    static func storeEpoch(_ county: LiveCounty) throws -> StoreEpoch? {
        try readServer(county) { db in
            try Row.fetchOne(db, sql: "SELECT generation, id FROM storeEpoch ORDER BY generation DESC LIMIT 1").map {
                StoreEpoch(generation: UInt64($0["generation"] as Int64), id: $0["id"])
            }
        }
    }

    private static func readServer<T>(_ county: LiveCounty, _ body: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        return try DatabaseQueue(path: county.serverDatabasePath, configuration: configuration).read(body)
    }

    /// A fully expected operation history: `1...counter`, or nothing for 0.
    static func oneTo(_ counter: UInt64) -> [UInt64] { counter == 0 ? [] : Array(1...counter) }

    /// The first differences between two record maps, for a readable failure.
    static func differences(_ left: [String: Data], _ right: [String: Data], limit: Int = 5) -> String {
        let onlyLeft = Set(left.keys).subtracting(right.keys).sorted()
        let onlyRight = Set(right.keys).subtracting(left.keys).sorted()
        let differing = Set(left.keys).intersection(right.keys).filter { left[$0] != right[$0] }.sorted()
        var lines = ["\(left.count) vs \(right.count) records"]
        if !onlyLeft.isEmpty { lines.append("only left (\(onlyLeft.count)): \(onlyLeft.prefix(limit))") }
        if !onlyRight.isEmpty { lines.append("only right (\(onlyRight.count)): \(onlyRight.prefix(limit))") }
        for key in differing.prefix(limit) {
            lines.append(
                "\(key): \(String(decoding: left[key]!, as: UTF8.self)) vs \(String(decoding: right[key]!, as: UTF8.self))"
            )
        }
        if differing.count > limit { lines.append("… \(differing.count) states differ") }
        return lines.joined(separator: "\n")
    }

    // MARK: Metrics

    /// The un-labelled metrics of `GET /metrics`, by name, read in one request.
    static func metrics(port: Int) throws -> [String: Double] {
        let (status, body) = try LoopbackHTTP.get(port: port, path: "/metrics")
        guard status == 200 else { throw ServerProcessError("GET /metrics answered \(status)") }
        var values: [String: Double] = [:]
        for line in body.split(separator: "\n") where !line.hasPrefix("#") && !line.contains("{") {
            let parts = line.split(separator: " ")
            guard parts.count >= 2, let value = Double(parts[1]) else { continue }
            values[String(parts[0])] = value
        }
        return values
    }

}

// MARK: - A field-agent child that can be killed

/// A `field-agent` child process started with Foundation's `Process`, output in files, that a test
/// may SIGKILL at any moment.
final class AgentChild {
    let process: Process
    let stdoutURL: URL
    let stderrURL: URL
    let arguments: [String]

    /// Starts `field-agent ARGUMENTS`.
    init(_ arguments: [String], scratch: URL) throws {
        let name = UUID().uuidString.prefix(8)
        stdoutURL = scratch.appendingPathComponent("child-\(name).out")
        stderrURL = scratch.appendingPathComponent("child-\(name).err")
        self.arguments = arguments
        process = Process()
        process.executableURL = try BuiltBinary.fieldAgent.url()
        process.arguments = arguments
        process.environment = BuiltBinary.fieldAgent.environment()
        process.standardInput = FileHandle.nullDevice
        guard FileManager.default.createFile(atPath: stdoutURL.path, contents: nil),
            FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        else { throw ServerProcessError("cannot create the child's output files in \(scratch.path)") }
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        let exit = exit
        process.terminationHandler = { _ in exit.set(.now) }
        try process.run()
        started = .now
    }

    /// When the child was seen to exit, however it ended.
    private let exit = ExitTime()
    /// How long the child ran, once it exited.
    var lifetime: Duration? { exit.get().map { started.duration(to: $0) } }

    /// Set from the thread on which `Process` reports the exit.
    private final class ExitTime: @unchecked Sendable {
        private let lock = NSLock()
        private var instant: ContinuousClock.Instant?

        func set(_ value: ContinuousClock.Instant) { lock.withLock { instant = value } }
        func setIfUnset(_ value: ContinuousClock.Instant) { lock.withLock { instant = instant ?? value } }
        func get() -> ContinuousClock.Instant? { lock.withLock { instant } }
    }

    /// When the child started.
    let started: ContinuousClock.Instant

    deinit {
        if process.isRunning { sigkill(process.processIdentifier) }
    }

    /// How the child ended.
    enum Ending: CustomStringConvertible {
        /// It was still running and SIGKILL ended it.
        case killed
        /// It had exited on its own with this status before the kill.
        case exited(Int32)

        var description: String {
            switch self {
            case .killed: "killed"
            case .exited(let status): "exited \(status) before the kill"
            }
        }
    }

    /// SIGKILL `delay` after the child started (unless it exited by then), then waits until it is
    /// reaped.
    ///
    /// The kill comes from a thread of its own, on time: a task sleeping in the cooperative pool may
    /// resume long after its deadline while other tests hold the pool's few threads.
    func kill(after delay: Duration) async throws -> Ending {
        let process = process
        let deadline = started + delay
        let done = DispatchSemaphore(value: 0)
        Thread {
            while true {
                let left = ContinuousClock.now.duration(to: deadline)
                guard left > .zero else { break }
                usleep(UInt32(max(1, min(left / .microseconds(1), 100_000))))
            }
            if process.isRunning { sigkill(process.processIdentifier) }
            done.signal()
        }.start()
        while done.wait(timeout: .now()) == .timedOut {
            try await Task.sleep(for: .milliseconds(5))
        }
        return try await kill()
    }

    /// SIGKILL (unless it already exited), then waits until it is reaped.
    func kill() async throws -> Ending {
        if process.isRunning { sigkill(process.processIdentifier) }
        try await waitForExit(timeout: .seconds(10))
        if process.terminationReason == .uncaughtSignal { return .killed }
        return .exited(process.terminationStatus)
    }

    /// Waits until the child exits on its own; its status.
    func wait(timeout: Duration) async throws -> Int32 {
        try await waitForExit(timeout: timeout)
        return process.terminationReason == .exit ? process.terminationStatus : -process.terminationStatus
    }

    private func waitForExit(timeout: Duration) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while process.isRunning {
            guard clock.now < deadline else {
                sigkill(process.processIdentifier)
                throw ServerProcessError("field-agent \(arguments.joined(separator: " ")) still ran after \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        process.waitUntilExit()
        // `isRunning` can turn false before the termination handler has run on its own thread.
        exit.setIfUnset(.now)
    }

    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
}

/// `field-agent sync --json`, with the request count the shared ``AgentDir/SyncSummary`` leaves out.
struct CountedSyncSummary: Decodable {
    let pushed: Int
    let pulled: Int
    let conflicts: Int
    let snapshotRecords: Int
    let requests: Int
}

/// `kill(pid, SIGKILL)`, named apart from ``AgentChild/kill()``.
private func sigkill(_ pid: pid_t) {
    #if canImport(Glibc)
    _ = Glibc.kill(pid, SIGKILL)
    #else
    _ = Darwin.kill(pid, SIGKILL)
    #endif
}
