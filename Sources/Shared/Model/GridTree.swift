/// The county's whole grid tree, checked for consistency when it is built.
///
/// Scope questions ("is this household's grid inside the agent's subtree?") are answered here,
/// so server and agent agree on them.
public struct GridTree: Sendable {
    public let nodes: [String: GridNode]
    public let root: GridNode
    private let childrenByParent: [String: [String]]

    /// Builds the tree, refusing it whole if any node is inconsistent.
    ///
    /// - Throws: ``ModelError`` naming the first offending node (in the order given).
    public init(_ nodes: [GridNode]) throws(ModelError) {
        var byID: [String: GridNode] = [:]
        for node in nodes {
            try Self.checkShape(of: node)
            guard byID.updateValue(node, forKey: node.id) == nil else {
                throw .invalidNode(node.id, LocalizedText("Grid \(node.id) appears twice.", zh: "网格 \(node.id) 重复出现。"))
            }
        }
        let roots = nodes.filter { $0.parentID == nil }
        guard roots.count == 1, let root = roots.first else {
            throw .invalid(
                LocalizedText("The tree must have exactly one county node (level 0).", zh: "网格树必须有且只有一个县级节点（0级）。")
            )
        }
        for node in nodes where node.parentID != nil {
            try Self.checkParent(of: node, in: byID)
        }
        self.nodes = byID
        self.root = root
        self.childrenByParent = Dictionary(grouping: nodes.filter { $0.parentID != nil }, by: { $0.parentID! })
            .mapValues { $0.map(\.id).sorted() }
    }

    public subscript(id: String) -> GridNode? { nodes[id] }

    public func children(of id: String) -> [String] { childrenByParent[id] ?? [] }

    /// True when `node` is `ancestor` or lies below it.
    public func isWithin(_ node: String, subtreeOf ancestor: String) -> Bool {
        var current: String? = node
        while let id = current {
            if id == ancestor { return true }
            current = nodes[id]?.parentID
        }
        return false
    }

    /// Every node id in the subtree rooted at `id`, `id` first.
    public func subtree(of id: String) -> [String] {
        var result: [String] = []
        var stack = [id]
        while let next = stack.popLast() {
            result.append(next)
            stack.append(contentsOf: children(of: next).reversed())
        }
        return result
    }

    /// The parent of `id` one level up, the target of an escalation; nil at the county.
    public func parent(of id: String) -> GridNode? {
        nodes[id]?.parentID.flatMap { nodes[$0] }
    }

    /// Refuses to put a record of `type` in `grid` for an agent whose scope is the subtree of
    /// `scopeRoot`: the grid must exist and lie in the scope, and households and residents live in
    /// level-4 grids, where the households are. The agent asks before it writes anything; the
    /// server enforces the same rule from its own index.
    public func checkPlacement(of type: RecordType, in grid: String, scopeRoot: String) throws(ModelError) {
        guard let node = nodes[grid], isWithin(grid, subtreeOf: scopeRoot) else {
            throw .invalid(
                LocalizedText(
                    "Grid \(grid) is not in your area (\(scopeRoot)).",
                    zh: "网格 \(grid) 不在您负责的范围（\(scopeRoot)）内。"
                )
            )
        }
        if (type == .household || type == .resident) && node.level != .group {
            throw .invalid(
                LocalizedText(
                    "Households and residents belong to a level-4 grid, and \(grid) is at level \(node.level.rawValue).",
                    zh: "住户和居民只能属于四级网格，而 \(grid) 是\(node.level.rawValue)级网格。"
                )
            )
        }
    }

    private static func checkShape(of node: GridNode) throws(ModelError) {
        guard GridNode.isValidID(node.id) else {
            throw .invalidNode(
                node.id,
                LocalizedText(
                    "Grid id \"\(node.id)\" must be letters, digits, '-' or '_'.",
                    zh: "网格编码“\(node.id)”只能包含字母、数字、“-”或“_”。"
                )
            )
        }
        guard !node.name.trimmingWhitespace.isEmpty else {
            throw .invalidNode(node.id, LocalizedText("Grid \(node.id) has no name.", zh: "网格 \(node.id) 没有名称。"))
        }
        guard (node.level == .county) == (node.parentID == nil) else {
            throw .invalidNode(
                node.id,
                LocalizedText(
                    "Grid \(node.id): only the county (level 0) has no parent.",
                    zh: "网格 \(node.id)：只有县级（0级）节点没有上级。"
                )
            )
        }
        if node.kind == .department && node.level != .township {
            throw .invalidNode(
                node.id,
                LocalizedText(
                    "Department \(node.id) must be at level 1, under the county.",
                    zh: "职能部门 \(node.id) 必须位于1级，隶属于县。"
                )
            )
        }
    }

    private static func checkParent(of node: GridNode, in byID: [String: GridNode]) throws(ModelError) {
        guard let parentID = node.parentID, let parent = byID[parentID] else {
            throw .invalidNode(
                node.id,
                LocalizedText(
                    "Grid \(node.id) names a parent \(node.parentID ?? "") that does not exist.",
                    zh: "网格 \(node.id) 的上级 \(node.parentID ?? "") 不存在。"
                )
            )
        }
        guard parent.level.rawValue + 1 == node.level.rawValue else {
            throw .invalidNode(
                node.id,
                LocalizedText(
                    "Grid \(node.id) is at level \(node.level.rawValue) but its parent \(parent.id) is at level \(parent.level.rawValue).",
                    zh: "网格 \(node.id) 位于\(node.level.rawValue)级，但其上级 \(parent.id) 位于\(parent.level.rawValue)级。"
                )
            )
        }
        guard parent.kind != .department else {
            throw .invalidNode(
                node.id,
                LocalizedText(
                    "Grid \(node.id) cannot sit under department \(parent.id).",
                    zh: "网格 \(node.id) 不能隶属于职能部门 \(parent.id)。"
                )
            )
        }
        if parent.level != .county && parent.kind != node.kind {
            throw .invalidNode(
                node.id,
                LocalizedText(
                    "Grid \(node.id) is \(node.kind.rawValue) but its parent \(parent.id) is \(parent.kind.rawValue).",
                    zh: "网格 \(node.id) 的城乡类型与其上级 \(parent.id) 不一致。"
                )
            )
        }
    }
}
