import Testing

@testable import Shared

/// The county's grid tree: built only when consistent, and the scope questions asked of it.
@Suite struct GridTreeTests {
    static let county = GridNode(id: "fumeng", parentID: nil, level: .county, name: "阜蒙县", kind: .rural)
    static let township = GridNode(id: "t01", parentID: "fumeng", level: .township, name: "红帽子镇", kind: .rural)
    static let village = GridNode(id: "t01-v01", parentID: "t01", level: .village, name: "红帽子村", kind: .rural)
    static let committee = GridNode(
        id: "t01-v01-c1",
        parentID: "t01-v01",
        level: .committee,
        name: "一片",
        kind: .rural
    )
    static let group = GridNode(id: "t01-v01-c1-g1", parentID: "t01-v01-c1", level: .group, name: "一组", kind: .rural)
    static let department = GridNode(
        id: "dept-env",
        parentID: "fumeng",
        level: .township,
        name: "生态环境分局",
        kind: .department
    )

    static let validNodes = [county, township, village, committee, group, department]

    static func tree() throws -> GridTree { try GridTree(validNodes) }

    /// Builds a tree of `nodes`, expecting it refused; returns the error.
    static func refusal(_ nodes: [GridNode]) -> ModelError? {
        let error = #expect(throws: ModelError.self) { try GridTree(nodes) }
        #expect(error?.code == .invalidValue)
        return error
    }

    // MARK: a valid tree

    @Test func aSmallValidTreeIsAccepted() throws {
        let tree = try Self.tree()
        #expect(tree.root == Self.county)
        #expect(tree.nodes.count == 6)
        #expect(tree["t01-v01"] == Self.village)
        #expect(tree["nowhere"] == nil)
    }

    @Test func theOrderOfNodesDoesNotMatter() throws {
        let tree = try GridTree(Self.validNodes.reversed())
        #expect(tree.root == Self.county)
        #expect(tree.subtree(of: "fumeng").count == 6)
    }

    @Test func childrenAreSortedByID() throws {
        let tree = try Self.tree()
        #expect(tree.children(of: "fumeng") == ["dept-env", "t01"])
        #expect(tree.children(of: "t01-v01-c1-g1") == [])
    }

    @Test func isWithin() throws {
        let tree = try Self.tree()
        #expect(tree.isWithin("t01-v01-c1-g1", subtreeOf: "t01"))
        #expect(tree.isWithin("t01-v01-c1-g1", subtreeOf: "t01-v01-c1-g1"))
        #expect(tree.isWithin("dept-env", subtreeOf: "fumeng"))
        #expect(!tree.isWithin("t01", subtreeOf: "t01-v01-c1-g1"))
        #expect(!tree.isWithin("dept-env", subtreeOf: "t01"))
        #expect(!tree.isWithin("nowhere", subtreeOf: "fumeng"))
    }

    @Test func subtreeListsTheNodeFirstThenItsDescendants() throws {
        let tree = try Self.tree()
        #expect(tree.subtree(of: "t01") == ["t01", "t01-v01", "t01-v01-c1", "t01-v01-c1-g1"])
        #expect(tree.subtree(of: "fumeng") == ["fumeng", "dept-env", "t01", "t01-v01", "t01-v01-c1", "t01-v01-c1-g1"])
        #expect(tree.subtree(of: "t01-v01-c1-g1") == ["t01-v01-c1-g1"])
    }

    @Test func parentIsOneLevelUp() throws {
        let tree = try Self.tree()
        #expect(tree.parent(of: "t01-v01-c1-g1") == Self.committee)
        #expect(tree.parent(of: "dept-env") == Self.county)
        #expect(tree.parent(of: "fumeng") == nil)
        #expect(tree.parent(of: "nowhere") == nil)
    }

    @Test func workingDaysAllowedByLevel() {
        #expect(Self.group.workingDaysAllowed == 3)
        #expect(Self.village.workingDaysAllowed == 3)
        #expect(Self.township.workingDaysAllowed == 5)
        #expect(Self.department.workingDaysAllowed == 5)
        #expect(Self.county.workingDaysAllowed == 5)
    }

    // MARK: refusals

    @Test func twoRootsAreRefused() {
        let second = GridNode(id: "other", parentID: nil, level: .county, name: "彰武县", kind: .rural)
        #expect(Self.refusal(Self.validNodes + [second]) != nil)
    }

    @Test func noRootIsRefused() {
        #expect(Self.refusal([Self.township]) != nil)
    }

    @Test func aMissingParentIsRefused() {
        let orphan = GridNode(id: "t01-v02", parentID: "t09", level: .village, name: "无主村", kind: .rural)
        let error = Self.refusal(Self.validNodes + [orphan])
        #expect(error?.message.english.contains("t01-v02") == true)
        #expect(error?.message.english.contains("t09") == true)
    }

    @Test func skippingALevelIsRefused() {
        let skipped = GridNode(id: "t01-c9", parentID: "t01", level: .committee, name: "跳级", kind: .rural)
        let error = Self.refusal(Self.validNodes + [skipped])
        #expect(error?.message.english.contains("t01-c9") == true)
    }

    @Test func aDuplicateIDIsRefused() {
        let twin = GridNode(id: "t01-v01", parentID: "t01", level: .village, name: "另一个村", kind: .rural)
        let error = Self.refusal(Self.validNodes + [twin])
        #expect(error?.message.english.contains("t01-v01") == true)
    }

    @Test func aDepartmentBelowLevelOneIsRefused() {
        let office = GridNode(id: "dept-sub", parentID: "t01", level: .village, name: "派出所", kind: .department)
        let error = Self.refusal(Self.validNodes + [office])
        #expect(error?.message.english.contains("dept-sub") == true)
    }

    @Test func aGridUnderADepartmentIsRefused() {
        let grid = GridNode(id: "dept-env-v1", parentID: "dept-env", level: .village, name: "下属网格", kind: .rural)
        let error = Self.refusal(Self.validNodes + [grid])
        #expect(error?.message.english.contains("dept-env-v1") == true)
    }

    @Test func anUrbanChildOfARuralParentIsRefused() {
        let community = GridNode(id: "t01-v02", parentID: "t01", level: .village, name: "社区", kind: .urban)
        let error = Self.refusal(Self.validNodes + [community])
        #expect(error?.message.english.contains("t01-v02") == true)
    }

    @Test func anUrbanSubDistrictUnderTheCountyIsAccepted() throws {
        let street = GridNode(id: "s01", parentID: "fumeng", level: .township, name: "城区街道", kind: .urban)
        let community = GridNode(id: "s01-c01", parentID: "s01", level: .village, name: "社区", kind: .urban)
        let tree = try GridTree(Self.validNodes + [street, community])
        #expect(tree.isWithin("s01-c01", subtreeOf: "fumeng"))
    }

    @Test(arguments: ["t01/v02", "t01 v02", "网格2", "", String(repeating: "a", count: 65), "t01.v02"])
    func badIDCharactersAreRefused(id: String) {
        let node = GridNode(id: id, parentID: "t01", level: .village, name: "坏编码", kind: .rural)
        #expect(Self.refusal(Self.validNodes + [node]) != nil)
        #expect(!GridNode.isValidID(id))
    }

    @Test func idsOfLettersDigitsHyphensAndUnderscoresAreValid() {
        #expect(GridNode.isValidID("t01-v01_c1"))
        #expect(GridNode.isValidID(String(repeating: "a", count: 64)))
    }

    @Test func aNodeWithoutANameIsRefused() {
        let unnamed = GridNode(id: "t01-v02", parentID: "t01", level: .village, name: "  ", kind: .rural)
        #expect(Self.refusal(Self.validNodes + [unnamed]) != nil)
    }

    @Test func aCountyWithAParentIsRefused() {
        let nested = GridNode(id: "fumeng2", parentID: "fumeng", level: .county, name: "县中县", kind: .rural)
        #expect(Self.refusal(Self.validNodes + [nested]) != nil)
    }
}
