import Foundation
import GRDB
package import Shared

extension GridNode {
    init(row: Row) {
        let lines = (try? CanonicalJSON.decode([String].self, from: Data((row["linesOfWork"] as String).utf8))) ?? []
        self.init(
            id: row["id"],
            parentID: row["parentId"],
            level: GridLevel(rawValue: row["level"]) ?? .group,
            name: row["name"],
            kind: Kind(rawValue: row["kind"]) ?? .rural,
            linesOfWork: Set(lines.compactMap(LineOfWork.init(rawValue:)))
        )
    }
}

extension SQLiteStore {
    /// Every grid node, sorted by id.
    package func grids() throws -> [GridNode] {
        try writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM gridNode ORDER BY id").map(GridNode.init(row:))
        }
    }

    /// Adds nodes to the tree, all or none: the whole tree with them must stay consistent.
    ///
    /// - Throws: ``ModelError`` when a node repeats an existing id or breaks the tree.
    package func addGrids(_ nodes: [GridNode], actor: String, now: UInt64) throws {
        try writer.write { db in
            let existing = try Row.fetchAll(db, sql: "SELECT * FROM gridNode").map(GridNode.init(row:))
            let known = Set(existing.map(\.id))
            if let repeated = nodes.first(where: { known.contains($0.id) }) {
                throw ModelError.invalidNode(
                    repeated.id,
                    LocalizedText("Grid \(repeated.id) already exists.", zh: "网格 \(repeated.id) 已存在。")
                )
            }
            let tree = try GridTree(existing + nodes)
            let statement = try db.cachedStatement(
                sql:
                    "INSERT INTO gridNode(id, parentId, level, name, kind, linesOfWork, g1, g2, g3, g4) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            )
            // Parents first, so the foreign key always finds its row.
            for node in nodes.sorted(by: { $0.level < $1.level }) {
                let scope = GridScope(node: node, in: tree).ancestors
                let lines = String(
                    decoding: CanonicalJSON.encode(node.linesOfWork.map(\.rawValue).sorted()),
                    as: UTF8.self
                )
                try statement.execute(arguments: [
                    node.id, node.parentID, node.level.rawValue, node.name, node.kind.rawValue, lines, scope[0],
                    scope[1], scope[2], scope[3],
                ])
            }
            try Audit.record(
                db,
                at: now,
                actor: actor,
                action: "grids.import",
                subject: nil,
                detail: "\(nodes.count) nodes"
            )
        }
    }
}
