import Foundation
import GRDB
import RecordDigest
import Shared

extension SQLiteStore {
    /// Loads the demo county (``DemoCounty``) into an empty store.
    ///
    /// The households and residents are written as the server's own creations (replica 0), as
    /// records only: agents receive them in their enrollment snapshot, not through the log.
    ///
    /// - Parameters:
    ///   - householdScale: multiplies every grid's households (the scaling benchmark loads 10×).
    ///   - withResidents: false leaves out the residents, for benchmarks that only need volume.
    ///   - progress: called after each township with the townships done and their total.
    /// - Returns: how many households and residents were created.
    package func loadDemoCounty(
        now: UInt64,
        actor: String,
        householdScale: Int = 1,
        withResidents: Bool = true,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> (households: Int, residents: Int) {
        guard try writer.read({ try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM gridNode") }) == 0 else {
            throw ModelError.invalid(
                LocalizedText(
                    "The demo county can only be loaded into an empty data directory; this one already has grids.",
                    zh: "演示县只能载入空的数据目录，当前目录已有网格数据。"
                )
            )
        }
        let nodes = DemoCounty.grids()
        try addGrids(nodes, actor: actor, now: now)
        let tree = try GridTree(nodes)
        let groups = nodes.filter { $0.level == .group }
        var people = DemoPeople(seed: 2022)
        var sizes = SplitMix64(seed: 3273)
        var ids = SplitMix64(seed: 150_000)
        var author = DemoAuthor()
        var totals = (households: 0, residents: 0)
        let townships = Dictionary(grouping: groups) { GridScope(node: $0, in: tree).ancestors[0]! }.sorted {
            $0.key < $1.key
        }
        for (done, (_, grids)) in townships.enumerated() {
            try writer.write { db in
                var digests = GridDigestChanges()
                let statement = try db.cachedStatement(
                    sql:
                        "INSERT INTO record(type, id, gridId, g1, g2, g3, g4, state, seq, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)"
                )
                func insert(_ fields: [String: FieldValue], as type: RecordType, in scope: GridScope) throws -> String {
                    let key = RecordKey(type: type, id: RecordID.make(nowMilliseconds: now, using: &ids))
                    let state = author.create(fields, as: key, now: now)
                    let g = scope.recordColumns
                    let bytes = CanonicalJSON.encode(state)
                    let digest = ScopeDigest.of(state: bytes)
                    try statement.execute(arguments: [
                        type.rawValue, key.id, scope.gridId, g[0], g[1], g[2], g[3], bytes, GridDigests.column(digest),
                    ])
                    digests.record(from: nil, to: scope.gridId, digest: digest)
                    return key.id
                }
                for grid in grids {
                    let scope = GridScope(node: grid, in: tree)
                    for number in 1...(DemoCounty.householdCount(of: grid, using: &sizes) * householdScale) {
                        let (household, members) = people.household(in: grid, number: number)
                        let householdID = try insert(household, as: .household, in: scope)
                        for var member in members where withResidents {
                            member["householdId"] = .string(householdID)
                            _ = try insert(member, as: .resident, in: scope)
                        }
                        totals.households += 1
                        totals.residents += withResidents ? members.count : 0
                    }
                }
                try GridDigests.apply(digests, db)
                try db.execute(
                    sql: "INSERT OR REPLACE INTO serverState(key, value) VALUES ('serverCounter', ?)",
                    arguments: [Int64(author.counter)]
                )
            }
            progress(done + 1, townships.count)
        }
        try writer.write { db in
            try Audit.record(
                db,
                at: now,
                actor: actor,
                action: "grids.demo",
                subject: DemoCounty.countyID,
                detail: "\(totals.households) households, \(totals.residents) residents"
            )
        }
        return totals
    }
}

/// The server authoring the demo's records through ``ReplicaEngine``, as it authors its own
/// operations everywhere else: one record at a time, handed straight to a row, with no outbox
/// (agents get the records in their enrollment snapshot, not through the log).
private struct DemoAuthor: ReplicaStore {
    typealias Failure = Never
    var replica: ReplicaID { .server }
    var clock = HybridLogicalClock()
    private(set) var counter: UInt64 = 0
    private var written: RecordState?

    /// The record a creation of `fields` makes.
    mutating func create(_ fields: [String: FieldValue], as key: RecordKey, now: UInt64) -> RecordState {
        ReplicaEngine.author([.create(fields)], on: key, now: now, in: &self)
        defer { written = nil }
        return written!
    }

    mutating func nextCounter() -> UInt64 {
        counter += 1
        return counter
    }

    func takeRecord(_ key: RecordKey) -> RecordState? { nil }
    mutating func putRecord(_ record: RecordState, changed: Bool) { written = record }
    func heldOperations(for key: RecordKey) -> [SyncOperation] { [] }
    func hold(_ operation: SyncOperation) {}
    func unhold(_ operation: SyncOperation) {}
    func unholdAll() {}
    func queue(_ operation: SyncOperation) {}
    func outbox() -> [SyncOperation] { [] }
}
