package import Shared

/// The demo county: Fumeng's real grid figures (DOMAIN.md) with clearly synthetic names and people.
///
/// 257 urban grids (1 sub-district, 8 communities, 48 areas, 200 grids of 100–200 households) and
/// 5,202 township grids (36 townships, 382 villages, 1,711 areas, 3,073 groups of 30–50
/// households): 3,273 level-4 grids and about 150,000 households. Four county departments hang
/// off the county for dispatching. Everything is generated from a fixed seed, so every demo
/// county is the same.
package enum DemoCounty {
    static let countyID = "fm"

    static let departments: [(id: String, name: String)] = [
        ("fm-dept-land", "县自然资源局（演示）"), ("fm-dept-housing", "县住房和城乡建设局（演示）"),
        ("fm-dept-environment", "县生态环境分局（演示）"), ("fm-dept-civil", "县民政局（演示）"),
    ]

    /// Every node of the demo tree, parents before children.
    package static func grids() -> [GridNode] {
        var nodes = [GridNode(id: countyID, parentID: nil, level: .county, name: "阜新蒙古族自治县（演示）", kind: .rural)]
        nodes += departments.map {
            GridNode(id: $0.id, parentID: countyID, level: .township, name: $0.name, kind: .department)
        }
        let urban = GridNode(id: "fm-01", parentID: countyID, level: .township, name: "城区街道（演示）", kind: .urban)
        nodes.append(urban)
        nodes += subtree(under: [urban], counts: [8, 48, 200], kind: .urban, names: ["社区", "片区", "网格"])
        let townships = (2...37).map {
            GridNode(
                id: "fm-\(pad($0))",
                parentID: countyID,
                level: .township,
                name: "演示乡镇\(pad($0 - 1))",
                kind: .rural
            )
        }
        nodes += townships
        nodes += subtree(under: townships, counts: [382, 1711, 3073], kind: .rural, names: ["村", "片区", "村民小组"])
        return nodes
    }

    /// The households of a level-4 grid: 100–200 in town, 30–50 in the countryside.
    static func householdCount(of grid: GridNode, using generator: inout some RandomNumberGenerator) -> Int {
        grid.kind == .urban ? Int.random(in: 100...200, using: &generator) : Int.random(in: 30...50, using: &generator)
    }

    /// Spreads `counts[level]` children as evenly as possible over the nodes of the level above.
    private static func subtree(
        under roots: [GridNode],
        counts: [Int],
        kind: GridNode.Kind,
        names: [String]
    ) -> [GridNode] {
        var result: [GridNode] = []
        var parents = roots
        for (depth, total) in counts.enumerated() {
            var children: [GridNode] = []
            for (index, parent) in parents.enumerated() {
                let share = total / parents.count + (index < total % parents.count ? 1 : 0)
                for number in 1...max(share, 1) where share > 0 {
                    children.append(
                        GridNode(
                            id: "\(parent.id)-\(pad(number))",
                            parentID: parent.id,
                            level: GridLevel(rawValue: parent.level.rawValue + 1)!,
                            name: "\(parent.name)·第\(number)\(names[depth])",
                            kind: kind
                        )
                    )
                }
            }
            result += children
            parents = children
        }
        return result
    }

    private static func pad(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
}
