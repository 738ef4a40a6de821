import Foundation
import GRDB
import GridSyncTestSupport
import Shared
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole county on this machine, for the end-to-end tests: a temporary folder, a grid tree
/// imported with `sync-server grids import`, a real `sync-server serve` on a free port, and as many
/// field agents as a test enrolls, each a data directory driven through the real `field-agent`.
///
/// The grid tree (all rural):
///
///     c                                 county, level 0
///     └─ c-1                            township, level 1
///        ├─ c-1-1                       village, level 2
///        │  └─ c-1-1-1                  area, level 3
///        │     ├─ c-1-1-1-1             group, level 4
///        │     └─ c-1-1-1-2             group, level 4
///        └─ c-1-2                       village, level 2
///           └─ c-1-2-1                  area, level 3
///              └─ c-1-2-1-1             group, level 4
///
/// Use ``with(_:)``, which stops the daemon with SIGTERM and removes the folder however the test ends.
final class LiveCounty {
    static let gridCSV = """
        id,parent_id,level,name,kind
        c,,0,测试县,rural
        c-1,c,1,测试乡,rural
        c-1-1,c-1,2,一村,rural
        c-1-2,c-1,2,二村,rural
        c-1-1-1,c-1-1,3,一村一片,rural
        c-1-2-1,c-1-2,3,二村一片,rural
        c-1-1-1-1,c-1-1-1,4,一村一组,rural
        c-1-1-1-2,c-1-1-1,4,一村二组,rural
        c-1-2-1-1,c-1-2-1,4,二村一组,rural
        """

    /// Everything of this county: the server's data, the agents' folders, the logs.
    let folder: URL
    /// The server's `--data-dir`.
    let data: String
    let server: ServerProcess

    var serverURL: String { "http://127.0.0.1:\(server.port)" }
    var serverDatabasePath: String { (data as NSString).appendingPathComponent("server.sqlite") }

    private init(folder: URL, data: String, server: ServerProcess) {
        self.folder = folder
        self.data = data
        self.server = server
    }

    /// Runs `body` against a fresh county, then stops the daemon (SIGTERM, expecting a clean exit)
    /// and removes the folder, also when `body` throws.
    static func with(
        serverEnvironment: [String: String] = [:],
        _ body: (LiveCounty) async throws -> Void
    ) async throws {
        let county = try await start(serverEnvironment: serverEnvironment)
        do {
            try await body(county)
        } catch {
            await county.tearDown(after: error)
            throw error
        }
        try await county.shutDown()
    }

    /// Imports the grid tree and starts `sync-server serve` on a free port, answering `/health`.
    static func start(serverEnvironment: [String: String] = [:]) async throws -> LiveCounty {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("gridsync-e2e-\(UUID().uuidString.lowercased())")
        let data = folder.appendingPathComponent("server")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        do {
            let csv = folder.appendingPathComponent("grids.csv")
            try gridCSV.write(to: csv, atomically: true, encoding: .utf8)
            let imported = try BuiltBinary.syncServer.run(
                ["grids", "import", csv.path, "--data-dir", data.path],
                scratch: folder
            )
            guard imported.status == 0 else {
                throw ServerProcessError("sync-server grids import exited \(imported.status): \(imported.stderr)")
            }
            let server = try await ServerProcess.serve(
                dataDirectory: data.path,
                logs: folder,
                generation: 1,
                environment: serverEnvironment,
                health: { port in (try? LoopbackHTTP.get(port: port, path: "/health", timeoutSeconds: 1))?.status == 200
                }
            )
            return LiveCounty(folder: folder, data: data.path, server: server)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// The county after its store was restored from `backup`: the daemon stopped, `server.sqlite`
    /// replaced by the copy, and the daemon started again on the same port, so laptops find it.
    func restored(from backup: String) async throws -> LiveCounty {
        _ = try await server.stop(with: SIGTERM)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: serverDatabasePath + suffix) }
        try FileManager.default.copyItem(atPath: backup, toPath: serverDatabasePath)
        let restarted = try await ServerProcess.serve(
            dataDirectory: data,
            logs: folder,
            generation: 2,
            port: server.port,
            health: { port in (try? LoopbackHTTP.get(port: port, path: "/health", timeoutSeconds: 1))?.status == 200 }
        )
        return LiveCounty(folder: folder, data: data, server: restarted)
    }

    /// SIGTERM, a clean exit expected, and the folder removed.
    func shutDown() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let (reason, status) = try await server.stop(with: SIGTERM)
        #expect(
            reason == .exit && status == 0,
            "after SIGTERM sync-server ended by \(reason) with status \(status); stderr ends: \(serverLog.suffix(1500))"
        )
    }

    /// Cleanup after a failed test: the daemon's stderr goes to the test output, then it is stopped.
    private func tearDown(after error: any Error) async {
        print("LiveCounty: the test threw \(error); sync-server stderr ends:\n\(serverLog.suffix(3000))")
        if (try? await server.stop(with: SIGTERM, timeout: .seconds(5))) == nil { server.killNow() }
        try? FileManager.default.removeItem(at: folder)
    }

    var serverLog: String { (try? String(contentsOfFile: server.stderrPath, encoding: .utf8)) ?? "" }

    // MARK: The operator's commands

    /// `sync-server ARGUMENTS --data-dir D`, as the county operator runs it beside the daemon.
    func serverCommand(_ arguments: [String], environment: [String: String] = [:]) throws -> BuiltBinary.CommandResult {
        try BuiltBinary.syncServer.run(arguments + ["--data-dir", data], scratch: folder, environment: environment)
    }

    /// The operator's `agents enroll --grid GRID [--replica R]`: the token on the last line of its stdout.
    func issueToken(
        grid: String,
        replica: UInt32? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let issued = try serverCommand(
            ["agents", "enroll", "--grid", grid] + (replica.map { ["--replica", "\($0)"] } ?? [])
        )
        try #require(issued.status == 0, "sync-server agents enroll: \(issued.stderr)", sourceLocation: sourceLocation)
        let token = issued.lastLine
        try #require(
            !token.isEmpty && !token.contains(" "),
            "no token in: \(issued.stdout)",
            sourceLocation: sourceLocation
        )
        return token
    }

    /// Enrolls an agent at `grid`: the operator's `agents enroll`, then `field-agent enroll` with the
    /// token in a file (`--token-file`, as an operator hands it over) in a new data directory, which
    /// downloads the area. `server` is the address the agent remembers (default the daemon's own).
    func enroll(
        grid: String,
        server: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> AgentDir {
        let server = server ?? serverURL
        let tokenFile = try writeTokenFile(try issueToken(grid: grid, sourceLocation: sourceLocation) + "\n")
        let agent = newAgentDir(grid: grid)
        let enrolled = try BuiltBinary.fieldAgent.run(
            ["enroll", "--server", server, "--token-file", tokenFile, "--data-dir", agent.path],
            scratch: folder
        )
        try #require(
            enrolled.status == 0,
            "field-agent enroll --server \(server) at \(grid) exited \(enrolled.status): \(enrolled.stderr)",
            sourceLocation: sourceLocation
        )
        return agent
    }

    /// Enrolls `agent`'s existing data directory again with a new token for its grid, as a worker
    /// does once told the laptop is a copy.
    func enrollAgain(_ agent: AgentDir) throws -> BuiltBinary.CommandResult {
        let token = try writeTokenFile(try issueToken(grid: agent.grid) + "\n")
        return try agent.run(["enroll", "--server", serverURL, "--token-file", token])
    }

    /// A copy of `agent`'s whole data directory in a new one, as imaging a laptop does: the copy
    /// holds the same replica id, counters and token.
    func copy(_ agent: AgentDir) throws -> AgentDir {
        let copy = newAgentDir(grid: agent.grid)
        try FileManager.default.copyItem(atPath: agent.path, toPath: copy.path)
        return copy
    }

    /// A fresh, not yet enrolled data directory for an agent at `grid`.
    func newAgentDir(grid: String) -> AgentDir {
        AgentDir(
            path: folder.appendingPathComponent("agent-\(grid)-\(UUID().uuidString.prefix(8))").path,
            scratch: folder,
            grid: grid
        )
    }

    /// A file holding `text`, readable by this user alone, as an operator hands a token over.
    func writeTokenFile(_ text: String) throws -> String {
        let path = folder.appendingPathComponent("token-\(UUID().uuidString.prefix(8))").path
        guard
            FileManager.default.createFile(
                atPath: path,
                contents: Data(text.utf8),
                attributes: [.posixPermissions: 0o600]
            )
        else { throw ServerProcessError("Cannot write \(path).") }
        return path
    }

    // MARK: The server's store

    /// The server's record states, "type/id" → canonical JSON, read beside the running daemon;
    /// with `scope`, only the records in that grid's subtree.
    func serverRecords(scope grid: String? = nil) throws -> [String: Data] {
        var sql = "SELECT type, id, state FROM record"
        var arguments: StatementArguments = []
        if let grid {
            let level = grid.filter { $0 == "-" }.count
            if level > 0 {
                sql += " WHERE g\(level) = ?"
                arguments = [grid]
            }
        }
        return try readServer { db in
            try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: sql, arguments: arguments).map {
                    ("\($0["type"] as String)/\($0["id"] as String)", $0["state"] as Data)
                }
            )
        }
    }

    /// The server's state of one record, or nil when it has none.
    func serverState(_ key: String) throws -> Data? {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        return try readServer { db in
            try Row.fetchOne(
                db,
                sql: "SELECT state FROM record WHERE type = ? AND id = ?",
                arguments: [parts[0], parts[1]]
            )?["state"]
        }
    }

    private func readServer<T>(_ body: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        return try DatabaseQueue(path: serverDatabasePath, configuration: configuration).read(body)
    }

    /// `sync-server conflicts list --json`, run while the daemon serves.
    func serverConflicts(sourceLocation: SourceLocation = #_sourceLocation) throws -> [ServerConflict] {
        let listed = try serverCommand(["conflicts", "list", "--json"])
        try #require(listed.status == 0, "sync-server conflicts list: \(listed.stderr)", sourceLocation: sourceLocation)
        return try JSONDecoder().decode([ServerConflict].self, from: Data(listed.stdout.utf8))
    }

    /// `sync-server set-aside list --json` (with `all`, `--all`: decided ones too), run while the daemon serves.
    func serverSetAside(
        all: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [ServerSetAside] {
        let listed = try serverCommand(["set-aside", "list", "--json"] + (all ? ["--all"] : []))
        try #require(listed.status == 0, "sync-server set-aside list: \(listed.stderr)", sourceLocation: sourceLocation)
        return try JSONDecoder().decode([ServerSetAside].self, from: Data(listed.stdout.utf8))
    }

    /// One entry of `sync-server set-aside list --json`.
    struct ServerSetAside: Decodable {
        let id: Int64
        let replica: UInt32
        let counter: UInt64
        let type: String
        let recordId: String
        let kind: String
        let code: String
        /// `pending`, `applied` or `discarded`.
        let status: String
    }

    /// One entry of `sync-server conflicts list --json`.
    struct ServerConflict: Decodable {
        let type: String
        let recordId: String
        let field: String
        let values: [Value]
        /// The index in `values` of the value shown while the conflict stands.
        let visible: Int

        struct Value: Decodable {
            let value: FieldValue
            let replica: UInt32
        }
    }
}

// MARK: - An agent

/// One enrolled `field-agent` data directory, driven through the real binary.
struct AgentDir: Sendable {
    let path: String
    /// Where command output files go (the county's folder).
    let scratch: URL
    /// The grid the agent was enrolled at.
    let grid: String

    var replicaPath: String { (path as NSString).appendingPathComponent("replica.sqlite") }
    var credentialPath: String { (path as NSString).appendingPathComponent("credential") }

    /// `field-agent ARGUMENTS --data-dir PATH`.
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> BuiltBinary.CommandResult {
        try BuiltBinary.fieldAgent.run(arguments + ["--data-dir", path], scratch: scratch, environment: environment)
    }

    /// Runs a command that must succeed.
    @discardableResult
    func succeed(
        _ arguments: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> BuiltBinary.CommandResult {
        let result = try run(arguments)
        try #require(
            result.status == 0,
            "field-agent \(arguments.joined(separator: " ")) at \(grid) exited \(result.status): \(result.stderr)",
            sourceLocation: sourceLocation
        )
        return result
    }

    /// `household add`; returns the new id, printed alone on the last line.
    func addHousehold(
        grid: String,
        address: String,
        head: String,
        extra: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let added = try succeed(
            ["household", "add", "--grid", grid, "--address", address, "--head", head]
                + extra.flatMap { ["--set", $0] },
            sourceLocation: sourceLocation
        )
        let id = added.lastLine
        try #require(RecordID.isValid(id), "household add printed \(added.stdout)", sourceLocation: sourceLocation)
        return id
    }

    /// `household update ID --set …`.
    func update(_ id: String, set fields: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        try succeed(["household", "update", id] + fields.flatMap { ["--set", $0] }, sourceLocation: sourceLocation)
    }

    /// `sync --json`, which must exit 0; returns its summary.
    @discardableResult
    func sync(sourceLocation: SourceLocation = #_sourceLocation) throws -> SyncSummary {
        let synced = try succeed(["sync", "--json"], sourceLocation: sourceLocation)
        return try JSONDecoder().decode(SyncSummary.self, from: Data(synced.stdout.utf8))
    }

    /// `household list --json`.
    func households(sourceLocation: SourceLocation = #_sourceLocation) throws -> [RecordJSON] {
        try decode([RecordJSON].self, ["household", "list", "--json"], sourceLocation: sourceLocation)
    }

    /// `household show ID --json`.
    func household(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> RecordJSON {
        try decode(RecordJSON.self, ["household", "show", id, "--json"], sourceLocation: sourceLocation)
    }

    /// `conflicts --json`.
    func conflicts(sourceLocation: SourceLocation = #_sourceLocation) throws -> [ConflictJSON] {
        try decode([ConflictJSON].self, ["conflicts", "--json"], sourceLocation: sourceLocation)
    }

    /// `status --json`.
    func status(sourceLocation: SourceLocation = #_sourceLocation) throws -> StatusJSON {
        try decode(StatusJSON.self, ["status", "--json"], sourceLocation: sourceLocation)
    }

    private func decode<T: Decodable>(
        _ type: T.Type,
        _ arguments: [String],
        sourceLocation: SourceLocation
    ) throws -> T {
        let result = try succeed(arguments, sourceLocation: sourceLocation)
        return try JSONDecoder().decode(type, from: Data(result.stdout.utf8))
    }

    /// The replica's record states straight from `replica.sqlite`: "type/id" → canonical JSON.
    func records() throws -> [String: Data] {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        return try DatabaseQueue(path: replicaPath, configuration: configuration).read { db in
            try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT type, id, state FROM record").map {
                    ("\($0["type"] as String)/\($0["id"] as String)", $0["state"] as Data)
                }
            )
        }
    }

    // MARK: The JSON the agent prints

    /// `sync --json`.
    struct SyncSummary: Decodable {
        let pushed: Int
        let pulled: Int
        let conflicts: Int
        let snapshotRecords: Int
    }

    /// `status --json`.
    struct StatusJSON: Decodable {
        let server: String
        let gridId: String
        let replica: UInt32
        let pendingOperations: Int
        let cursor: UInt64
        let openConflicts: Int
        let snapshotNeeded: Bool
        let lastSyncAt: UInt64?
        let lastVerifiedAt: UInt64?
        let clockOffsetMilliseconds: Int64?
        let lastFailure: Failure?

        struct Failure: Decodable {
            let code: String
            let message: String
            let advice: String
        }
    }

    /// A record of `list --json` and `show --json`.
    struct RecordJSON: Decodable {
        let type: String
        let id: String
        let gridId: String
        let fields: [String: FieldValue]
        let conflicts: [ConflictJSON]
        let deleted: Bool
    }

    /// One conflicted field, in `conflicts --json` and inside a record.
    struct ConflictJSON: Decodable {
        let type: String
        let id: String
        let field: String
        let visible: FieldValue
        let values: [Value]

        struct Value: Decodable {
            let value: FieldValue
            let replica: UInt32
            let counter: UInt64
        }
    }
}
