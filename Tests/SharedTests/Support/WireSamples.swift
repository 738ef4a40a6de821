import Foundation

@testable import Shared

/// One message of every wire type, with every optional part both present and absent, and text
/// that needs every kind of escape: the inputs of the golden bytes in ``WireGoldenTests``.
enum WireSamples {
    /// Text with a quote, a backslash, a slash, control characters, a line separator, Chinese and an emoji.
    static let awkward = "a\"b\\c/d\u{0}\u{8}\t\n\u{c}\r\u{1f}\u{7f}\u{2028}汉😀é"

    static let household = "0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f"
    static let resident = "0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70"
    static let incident = "0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e71"
    static let workLog = "0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e72"

    static func dot(_ replica: UInt32, _ counter: UInt64) -> Dot {
        Dot(replica: ReplicaID(replica), counter: counter)
    }

    static func hlc(_ milliseconds: UInt64, _ logical: UInt32 = 0) -> HLCTimestamp {
        HLCTimestamp(wallMilliseconds: milliseconds, logical: logical)
    }

    static func operation(
        _ dot: Dot,
        _ context: [UInt32: UInt64],
        _ hlc: HLCTimestamp,
        _ type: RecordType,
        _ id: String,
        _ payload: SyncOperation.Payload
    ) -> SyncOperation {
        SyncOperation(
            dot: dot,
            context: VersionVector(Dictionary(uniqueKeysWithValues: context.map { (ReplicaID($0.key), $0.value) })),
            hlc: hlc,
            type: type,
            id: id,
            payload: payload
        )
    }

    /// One operation of every kind, in an order in which each applies at once.
    static let operations: [SyncOperation] = [
        operation(
            dot(1, 1),
            [:],
            hlc(1_764_374_400_000),
            .household,
            household,
            .create([
                "address": .string("新华村3组12号"), "gridId": .string("fm-01-01-01-01"), "members": .integer(-3),
                "verified": .boolean(true), "note": .null, "Zeta": .string(awkward), "é": .integer(.min),
            ])
        ),
        operation(dot(1, 2), [1: 1], hlc(1_764_374_460_000, 3), .household, household, .set(["phone": .string("138")])),
        operation(dot(3, 1), [1: 1], hlc(1_764_374_460_000), .household, household, .set(["phone": .string("139")])),
        operation(dot(10, 1), [1: 1], hlc(1_764_374_460_001), .household, household, .set(["members": .integer(4)])),
        operation(
            dot(9, 1),
            [1: 1],
            hlc(1_764_374_460_002),
            .household,
            household,
            .set(["verified": .boolean(false)])
        ),
        operation(dot(1, 3), [1: 2, 3: 1, 9: 1, 10: 1], hlc(1_764_374_470_000), .household, household, .tombstone),
        operation(dot(1, 4), [:], hlc(1_764_374_400_001), .resident, resident, .create(["name": .string("包小花")])),
        operation(dot(1, 5), [1: 4], hlc(1_764_374_400_002), .resident, resident, .add(field: "tags", element: "a")),
        operation(
            dot(1, 6),
            [1: 5],
            hlc(1_764_374_400_003),
            .resident,
            resident,
            .add(field: "tags", element: awkward)
        ),
        operation(dot(2, 1), [1: 6], hlc(1_764_374_490_000), .resident, resident, .remove(field: "tags", element: "a")),
        operation(
            dot(1, 7),
            [:],
            hlc(1_764_374_400_004),
            .incident,
            incident,
            .create(["gridId": .string("fm-01-01-01-01"), "category": .string("dispute")])
        ),
        operation(
            dot(0, 1),
            [1: 7],
            hlc(1_764_374_490_000, 1),
            .incident,
            incident,
            .event(
                IncidentEvent(
                    action: .close,
                    node: "fm-01",
                    target: "fm-dept-land",
                    note: awkward,
                    satisfaction: .basicallySatisfied,
                    registryNumber: "FM-20251129-000042",
                    days: 5
                )
            )
        ),
        operation(
            dot(2, 2),
            [1: 7],
            hlc(1_764_374_490_002),
            .incident,
            incident,
            .event(IncidentEvent(action: .comment))
        ),
        operation(
            dot(1, 8),
            [:],
            hlc(1_764_374_400_005),
            .workLog,
            workLog,
            .log(["date": .string("2025-11-29"), "householdsVisited": .integer(9_007_199_254_740_991)])
        ),
    ]

    /// Every operation applied: registers with a conflict and a tombstone, a set, events, a log.
    static let states: [RecordState] = {
        var replica = InMemoryReplica(replica: ReplicaID(99))
        for operation in operations { replica.receive(operation) }
        precondition(replica.waiting.isEmpty && replica.records.count == 4)
        return replica.canonicalRecords
    }()

    static let store = StoreEpoch(generation: 3, id: "9f2e1a2b3c4d5e6f")

    static let notice = SetAsideNotice(
        dot: dot(1, 9),
        code: "out_of_scope",
        message: LocalizedText("Moved away: \(awkward)", zh: "已迁出：\(awkward)")
    )

    static let grids = [
        GridNode(id: "fm", parentID: nil, level: .county, name: "富民县", kind: .rural),
        GridNode(
            id: "fm-01-01-01-01",
            parentID: "fm-01-01-01",
            level: .group,
            name: "新华村第3村民小组",
            kind: .urban,
            linesOfWork: [.safety, .governance, .partyBuilding, .epidemicPrevention]
        ),
        GridNode(id: "fm-dept-land", parentID: "fm", level: .township, name: "国土局", kind: .department),
    ]

    static let calendar = WorkCalendar(
        holidays: [CalendarDate("2026-10-02")!, CalendarDate("2026-10-01")!],
        makeUpWorkdays: [CalendarDate("2026-10-10")!, CalendarDate("2026-09-27")!]
    )

    static let syncRequests = [
        SyncRequest(batchId: "0193a5c2-7b1e-7c3d-9f2e-000000000001", cursor: 0, operations: []),
        SyncRequest(
            batchId: "b.1_x:y-z",
            cursor: 1200,
            operations: operations,
            store: store,
            recovered: StoreRecovery(resent: 12, lost: 0)
        ),
    ]

    static let syncResponses = [
        SyncResponse(acknowledgedThrough: 0, operations: [], cursor: 0, hasMore: false, serverTime: 1),
        SyncResponse(
            acknowledgedThrough: 2,
            operations: operations,
            cursor: 1305,
            hasMore: true,
            serverTime: 1_764_374_520_000,
            setAside: [notice],
            store: store,
            digest: ScopeDigest(0x00ab_cdef_0123_4567).text
        ),
    ]

    static let snapshotPages = [
        SnapshotPage(cursor: 7, grids: [], records: [], nextAfter: nil),
        SnapshotPage(
            cursor: 1305,
            grids: grids,
            records: states,
            nextAfter: "fm-01,household/\(household)@1305",
            recordCount: 2,
            calendar: calendar
        ),
    ]

    static let recordsRequests = [
        RecordsRequest(keys: ["household/\(household)", "incident/\(incident)"]),
        RecordsRequest(keys: []),
        RecordsRequest(grid: "fm-01-01-01-01", after: nil),
        RecordsRequest(grid: "fm-01-01-01-01", after: "household/\(household)"),
    ]

    static let recordsResponses = [
        RecordsResponse(records: []),
        RecordsResponse(records: states, nextAfter: "household/\(household)"),
    ]

    static let digest = DigestResponse(grids: [
        GridDigest(id: "fm-01-01-01-01", digest: ScopeDigest(1)),
        GridDigest(id: "fm-01-01-01-02", digest: ScopeDigest(.max)),
    ])

    static let enrollment = EnrollResponse(
        replica: ReplicaID(7),
        gridId: "fm-01-01-01-01",
        agentName: "新华村3组网格员 \(awkward)",
        serverTime: 1_764_374_400_000
    )

    static let errorBodies = [
        ErrorBody(
            code: .outOfScope,
            message: LocalizedText("Out of scope.", zh: "超出辖区。"),
            dots: [dot(7, 12), dot(7, 13)]
        ),
        ErrorBody(code: .malformedBody, message: LocalizedText(awkward, zh: awkward)),
    ]
}
