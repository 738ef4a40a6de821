import Foundation
import GridSyncAgent
import Shared

/// A township's records as a snapshot carries them: households in level-4 grids, their members,
/// each created by one agent and touched by the server, encoded page by page as the server sends them.
struct SyntheticTownship {
    let households: Int
    let residents: Int
    let root = "t-01"
    var recordCount: Int { households + residents }

    /// The township, its villages, areas and groups (60 groups).
    var grids: [GridNode] {
        var nodes = [
            GridNode(id: "t", parentID: nil, level: .county, name: "县", kind: .rural, linesOfWork: []),
            GridNode(id: root, parentID: "t", level: .township, name: "乡", kind: .rural, linesOfWork: []),
        ]
        for village in 1...12 {
            let v = "\(root)-\(village)"
            nodes.append(
                GridNode(id: v, parentID: root, level: .village, name: "村\(village)", kind: .rural, linesOfWork: [])
            )
            nodes.append(
                GridNode(id: "\(v)-1", parentID: v, level: .committee, name: "片", kind: .rural, linesOfWork: [])
            )
            for group in 1...5 {
                nodes.append(
                    GridNode(
                        id: "\(v)-1-\(group)",
                        parentID: "\(v)-1",
                        level: .group,
                        name: "组\(group)",
                        kind: .rural,
                        linesOfWork: []
                    )
                )
            }
        }
        return nodes
    }

    /// Gzip canonical JSON pages; only the compressed bytes are kept, as a download would hold them.
    func pages(size: Int) throws -> [Data] {
        let groups = grids.filter { $0.level == .group }.map(\.id)
        var generator = SplitMix64(seed: 7)
        let now: UInt64 = 1_795_900_000_000
        var householdIDs: [String] = []
        var pages: [Data] = []
        var batch: [RecordState] = []
        var first = true
        func flush(last: Bool) throws {
            let page = SnapshotPage(
                cursor: 1,
                grids: first ? grids : [],
                records: batch,
                nextAfter: last ? nil : "next"
            )
            pages.append(Gzip.compress(CanonicalJSON.encode(page)))
            batch.removeAll(keepingCapacity: true)
            first = false
        }
        for index in 0..<recordCount {
            let isHousehold = index < households
            let id = RecordID.make(nowMilliseconds: now - UInt64(recordCount - index) * 60_000, using: &generator)
            var replica = InMemoryReplica(replica: ReplicaID(UInt32(100 + index % 60)))
            let key = RecordKey(type: isHousehold ? .household : .resident, id: id)
            let grid = groups[index % groups.count]
            if isHousehold {
                householdIDs.append(id)
                _ = replica.write(
                    .create([
                        "gridId": .string(grid), "address": .string("幸福村\(index % 9 + 1)组\(index)号"),
                        "headName": .string("包金山"), "phone": .string("138\(String(format: "%08d", index))"),
                        "residenceType": .string("owned"), "status": .string("active"),
                        "householdNumber": .string("HH\(index)"),
                    ]),
                    to: key,
                    now: now - 86_400_000
                )
                _ = replica.write(.set(["verifiedAt": .string("2026-11-20")]), to: key, now: now)
            } else {
                let home = householdIDs[index % households]
                _ = replica.write(
                    .create([
                        "gridId": .string(grid), "householdId": .string(home), "name": .string("包银花"),
                        "idNumber": .string("11010519491231002X"), "sex": .string("female"),
                        "birthDate": .string("1949-12-31"), "relationToHead": .string("spouse"),
                        "populationType": .string("registered"), "status": .string("active"),
                    ]),
                    to: key,
                    now: now - 86_400_000
                )
                _ = replica.write(
                    .add(field: "phones", element: "139\(String(format: "%08d", index))"),
                    to: key,
                    now: now
                )
            }
            batch.append(replica.records[key]!)
            if batch.count == size { try flush(last: index == recordCount - 1) }
        }
        if !batch.isEmpty { try flush(last: true) }
        return pages
    }
}
