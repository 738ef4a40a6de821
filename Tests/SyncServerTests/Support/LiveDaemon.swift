import AsyncHTTPClient
import Foundation
import GridSyncTestSupport
import NIOCore
import NIOHTTP1
import Shared
import Testing

@testable import GridSyncServer

/// A real `sync-server serve` over the test county, with agents enrolled through the operator
/// command, for tests that must reach the daemon the way a laptop does and restart it after.
final class LiveDaemon {
    let folder: URL
    let data: String
    let logs: URL
    let http: HTTPClient
    private(set) var server: ServerProcess?
    private var generation = 0
    private let environment: [String: String]

    init(environment: [String: String] = [:]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gridsync-live-\(UUID().uuidString)")
        data = folder.appendingPathComponent("data").path
        logs = folder.appendingPathComponent("logs")
        self.environment = environment
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        try Self.importTestCounty(data: data, scratch: folder)
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(2), read: .seconds(10)))
        // Pooled connections close soon after use, so a test counting the daemon's connections can.
        configuration.connectionPool = .init(idleTimeout: .milliseconds(200))
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    var port: Int { server?.port ?? 0 }

    /// Loads ``TestCounty`` with `sync-server grids import`, as an operator would.
    static func importTestCounty(data: String, scratch: URL) throws {
        let csv = scratch.appendingPathComponent("grids.csv")
        let lines = TestCounty.nodes.map { node in
            "\(node.id),\(node.parentID ?? ""),\(node.level.rawValue),\(node.name),\(node.kind.rawValue)"
        }
        try (["id,parent_id,level,name,kind"] + lines).joined(separator: "\n").write(
            to: csv,
            atomically: true,
            encoding: .utf8
        )
        let imported = try BuiltBinary.syncServer.run(
            ["grids", "import", csv.path, "--data-dir", data],
            scratch: scratch
        )
        try #require(imported.status == 0, "grids import failed: \(imported.stderr)")
    }

    /// `sync-server agents enroll --grid GRID`: the replica id and the token on the last line.
    static func enroll(grid: String, data: String, scratch: URL) throws -> (replica: ReplicaID, token: String) {
        let enrolled = try BuiltBinary.syncServer.run(
            ["agents", "enroll", "--data-dir", data, "--grid", grid],
            scratch: scratch
        )
        try #require(enrolled.status == 0, "agents enroll failed: \(enrolled.stderr)")
        let token = enrolled.lastLine.trimmingCharacters(in: .whitespaces)
        let replica = try #require(enrolledReplica(in: enrolled.stdout), "no replica id in: \(enrolled.stdout)")
        return (ReplicaID(replica), token)
    }

    /// The replica id in "Enrolled agent 3 (…) at grid …".
    static func enrolledReplica(in stdout: String) -> UInt32? {
        guard let range = stdout.range(of: "Enrolled agent ") else { return nil }
        return UInt32(stdout[range.upperBound...].prefix { $0.isNumber })
    }

    /// Enrolls an agent and takes its first snapshot, so it can sync at once.
    func agent(grid: String) async throws -> (replica: ReplicaID, token: String, cursor: UInt64) {
        let (replica, token) = try Self.enroll(grid: grid, data: data, scratch: folder)
        let (status, body) = try await send("GET", "/v1/snapshot", token: token)
        try #require(status == 200, "snapshot answered \(status)")
        var page = try CanonicalJSON.decode(SnapshotPage.self, from: body)
        while let after = page.nextAfter {
            let query = after.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            page = try CanonicalJSON.decode(
                SnapshotPage.self,
                from: try await send("GET", "/v1/snapshot?after=" + query, token: token).1
            )
        }
        return (replica, token, page.cursor)
    }

    func start() async throws {
        generation += 1
        let http = http
        server = try await ServerProcess.serve(
            dataDirectory: data,
            logs: logs,
            generation: generation,
            environment: environment,
            health: { port in
                let call = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
                return (try? await http.execute(call, timeout: .milliseconds(500)))?.status == .ok
            }
        )
    }

    /// Stops the daemon with SIGTERM and starts it again on the same data.
    func restart() async throws {
        _ = try await server?.stop(with: SIGTERM)
        try await start()
    }

    /// Sends a request and reads the whole answer, inflated when it came gzip-compressed.
    func send(
        _ method: String,
        _ path: String,
        token: String?,
        body: Data? = nil,
        headers: [(String, String)] = []
    ) async throws -> (status: Int, body: Data) {
        var call = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        call.method = HTTPMethod(rawValue: method)
        call.headers.add(name: "Accept-Encoding", value: "gzip")
        if let token { call.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { call.headers.add(name: name, value: value) }
        if let body { call.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await http.execute(call, timeout: .seconds(30))
        let data = Data(try await response.body.collect(upTo: 64 << 20).readableBytesView)
        let inflated =
            response.headers.first(name: "Content-Encoding")?.lowercased() == "gzip"
            ? try Gzip.decompress(data, limit: 1 << 30) : data
        return (Int(response.status.code), inflated)
    }

    /// `POST /v1/sync` with a gzip body.
    func sync(_ json: Data, token: String, gzip: Bool = true) async throws -> (status: Int, body: Data) {
        try await send(
            "POST",
            "/v1/sync",
            token: token,
            body: gzip ? Gzip.compress(json) : json,
            headers: gzip ? [("Content-Encoding", "gzip"), ("Content-Type", "application/json")] : []
        )
    }

    func healthy() async -> Bool { (try? await send("GET", "/health", token: nil))?.status == 200 }

    /// The daemon's stderr and stdout so far, to look for what it logged.
    func output() -> String {
        guard let server else { return "" }
        return [server.stdoutPath, server.stderrPath].compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
            .joined()
    }

    func shutDown() async {
        server?.killNow()
        server = nil
        try? await http.shutdown()
        try? FileManager.default.removeItem(at: folder)
    }
}
