import ArgumentParser
import ConsoleSupport
import Foundation
import GRDB
import GridSyncAgent
import Shared

/// A township-sized resync through the agent's own code: snapshot pages as the server sends them
/// (gzip canonical JSON) inflated, decoded and stored by the replica, in rows per second, divided by
/// plain SQLite inserts per second of the same rows into a table of the same shape; and the
/// process's peak memory while doing it.
struct ResyncBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resync",
        abstract: "Snapshot rows applied per second ÷ plain SQLite inserts per second; peak memory."
    )

    @Option(help: "Households in the scope.") var households = 3_400
    @Option(help: "Residents in the scope.") var residents = 12_000
    @Option(help: "Records per snapshot page (the server's default).") var pageSize = 500
    @Option(help: "Append the result to this Markdown file.") var record: String?

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gridsync-resync-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let township = SyntheticTownship(households: households, residents: residents)
        let pages = try township.pages(size: pageSize)
        print("Resyncing \(township.recordCount) records in \(pages.count) pages…")

        let home = AgentHome(path: folder.appendingPathComponent("agent").path)
        try home.create()
        let replica = try AgentDatabase.open(directory: home.path)
        try replica.enroll(
            ReplicaState(
                serverURL: "http://bench",
                caFile: nil,
                enrollment: EnrollResponse(
                    replica: ReplicaID(7),
                    gridId: township.root,
                    agentName: "bench",
                    serverTime: 0
                )
            )
        )
        let applySeconds = try await Stopwatch.measure {
            var remaining = pages.makeIterator()
            func read(_: String) throws -> SnapshotRows {
                try SnapshotRows(Gzip.decompress(remaining.next()!, limit: 64 << 20))
            }
            _ = try replica.storeSnapshot(first: read(""), next: read)
        }
        let peakMegabytes = Self.peakResidentMegabytes()
        let rows: [(String, String, String, Data)] = try await replica.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT type, id, gridId, state FROM record ORDER BY rowid").map {
                ($0["type"], $0["id"], $0["gridId"], $0["state"])
            }
        }
        let plainSeconds = try await Stopwatch.measure {
            try Self.plainInserts(rows, pageSize: pageSize, directory: folder.appendingPathComponent("plain").path)
        }
        let applyRate = Double(rows.count) / applySeconds
        let plainRate = Double(rows.count) / plainSeconds
        let result = BenchmarkResult(
            name: "resync (agent snapshot)",
            figures: [
                ("scope", "\(households) households, \(residents) residents, \(pages.count) pages of \(pageSize)"),
                ("snapshot applied (inflate, decode, store)", "\(Stopwatch.format(applyRate)) rows/s"),
                ("plain SQLite inserts of the same rows", "\(Stopwatch.format(plainRate)) rows/s"),
                ("ratio (target ≥ 0.5)", String(format: "%.2f", applyRate / plainRate)),
                ("peak memory during the resync (target ≤ 60 MB)", String(format: "%.1f MB", peakMegabytes)),
            ]
        )
        print(result.text)
        if let record { try result.append(to: record) }
    }

    /// The same rows into the `record` table of a fresh replica (same schema, same settings), in
    /// transactions of a page each.
    private static func plainInserts(_ rows: [(String, String, String, Data)], pageSize: Int, directory: String) throws
    {
        let home = AgentHome(path: directory)
        try home.create()
        let writer = try AgentDatabase.open(directory: home.path).writer
        for start in stride(from: 0, to: rows.count, by: pageSize) {
            try writer.write { db in
                let statement = try db.makeStatement(
                    sql: "INSERT INTO record (type, id, gridId, conflicts, generation, state) VALUES (?, ?, ?, 0, 1, ?)"
                )
                for row in rows[start..<min(rows.count, start + pageSize)] {
                    try statement.execute(arguments: [row.0, row.1, row.2, row.3])
                }
            }
        }
    }

    /// The most memory this process has held at once (Linux reports kilobytes).
    static func peakResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
