import Foundation
import GridSyncTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The county's records on disk are for the server's user alone, whatever umask the operator's
/// shell has: the real `sync-server` run under that umask, then the modes read back.
@Suite struct FilePermissionTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gridsync-modes-\(UUID().uuidString)")
    var data: String { folder.appendingPathComponent("data").path }
    var database: String { (data as NSString).appendingPathComponent("server.sqlite") }

    static let csv = """
        id,parent_id,level,name,kind
        c,,0,测试县,rural
        c-1,c,1,测试乡,rural
        """

    /// A data directory `grids import` creates, the daemon's database with its `-wal` and `-shm`
    /// while it serves, and a backup taken beside it.
    @Test(.timeLimit(.minutes(1)), arguments: ["000", "022"])
    func everythingTheServerWritesIsPrivate(umask: String) async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let grids = try write(Self.csv, to: "grids.csv")
        let imported = try run(["grids", "import", grids, "--data-dir", data], umask: umask)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.isEmpty, "a new directory needs no tightening: \(imported.stderr)")
        #expect(try mode(data) == 0o700)
        #expect(try mode(database) == 0o600)

        let server = try await ServerProcess.serve(
            dataDirectory: data,
            logs: folder,
            generation: 1,
            umask: umask,
            health: { port in (try? LoopbackHTTP.get(port: port, path: "/health", timeoutSeconds: 1))?.status == 200 }
        )
        defer { server.killNow() }
        for file in [database, database + "-wal", database + "-shm"] {
            #expect(try mode(file) == 0o600, "\(file)")
        }
        let backup = folder.appendingPathComponent("backup.sqlite").path
        let backedUp = try run(["backup", backup, "--data-dir", data], umask: umask)
        #expect(backedUp.status == 0, "\(backedUp.stderr)")
        #expect(try mode(backup) == 0o600)
        #expect(!FileManager.default.fileExists(atPath: backup + "-journal"))
        let (reason, status) = try await server.stop(with: SIGTERM)
        #expect(reason == .exit && status == 0)
    }

    /// A directory and database an older release left readable by others are tightened at the next
    /// command, which says so once, in the operator's language; the command after says nothing.
    @Test func anOpenDirectoryIsTightenedAndSaidSoOnce() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let grids = try write(Self.csv, to: "grids.csv")
        #expect(try run(["grids", "import", grids, "--data-dir", data], umask: "022").status == 0)

        for (language, words) in [("C", "readable by this user alone"), ("zh_CN.UTF-8", "仅本用户可读写")] {
            #expect(chmod(data, 0o755) == 0 && chmod(database, 0o644) == 0)
            let listed = try run(["grids", "list", "--data-dir", data], environment: ["LANG": language])
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(listed.stderr.split(separator: "\n").count == 1, "one sentence: \(listed.stderr)")
            #expect(listed.stderr.contains(data) && listed.stderr.contains("0755"), "\(listed.stderr)")
            #expect(listed.stderr.contains(words), "\(listed.stderr)")
            #expect(try mode(data) == 0o700)
            #expect(try mode(database) == 0o600)

            let again = try run(["grids", "list", "--data-dir", data], environment: ["LANG": language])
            #expect(again.status == 0 && again.stderr.isEmpty, "already private: \(again.stderr)")
        }
    }

    func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        umask: String? = nil
    ) throws -> BuiltBinary.CommandResult {
        try BuiltBinary.syncServer.run(arguments, scratch: folder, environment: environment, umask: umask)
    }

    func write(_ text: String, to name: String) throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) & 0o7777
    }
}
