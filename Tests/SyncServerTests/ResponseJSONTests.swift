import Foundation
import Shared
import Testing

@testable import GridSyncServer

/// The answers the server splices from stored bytes are byte for byte the canonical JSON of the
/// messages they stand for, and the bytes the previous release wrote (golden, captured from it).
@Suite struct ResponseJSONTests {
    static let operation = SyncOperation(
        dot: Dot(replica: ReplicaID(2), counter: 1),
        context: VersionVector([ReplicaID(1): 1]),
        hlc: HLCTimestamp(wallMilliseconds: 1_764_374_490_000),
        type: .household,
        id: "0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f",
        payload: .set(["phone": .string("13900000002")])
    )

    static var state: RecordState {
        var state = RecordState(type: .household, id: operation.id)
        state.apply(
            SyncOperation(
                dot: Dot(replica: ReplicaID(1), counter: 1),
                context: VersionVector(),
                hlc: HLCTimestamp(wallMilliseconds: 1_764_374_400_000),
                type: .household,
                id: operation.id,
                payload: .create(["gridId": .string("fm-01-01-01-01"), "note": .string("a/b \"c\"")])
            )
        )
        state.apply(operation)
        return state
    }

    static let store = StoreEpoch(generation: 2, id: "ab12")
    static let notice = SetAsideNotice(
        dot: Dot(replica: ReplicaID(7), counter: 3),
        code: "out_of_scope",
        message: LocalizedText("Moved away.", zh: "已迁出。")
    )
    static let grid = GridNode(
        id: "fm-01",
        parentID: "fm",
        level: .township,
        name: "新华镇",
        kind: .rural,
        linesOfWork: [.safety, .governance]
    )
    static let calendar = WorkCalendar(holidays: [CalendarDate("2026-10-01")!], makeUpWorkdays: [])

    static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    @Test func syncResponses() throws {
        let operationBytes = CanonicalJSON.encode(Self.operation)
        let cases: [(PulledPage, [SetAsideNotice], SyncResponse, String)] = [
            (
                PulledPage(operations: [], cursor: 0, hasMore: false, store: Self.store),
                [],
                SyncResponse(
                    acknowledgedThrough: 0,
                    operations: [],
                    cursor: 0,
                    hasMore: false,
                    serverTime: 5,
                    store: Self.store
                ),
                #"{"acknowledgedThrough":0,"cursor":0,"hasMore":false,"operations":[],"serverTime":5,"store":{"generation":2,"id":"ab12"}}"#
            ),
            (
                PulledPage(
                    operations: [operationBytes, operationBytes],
                    cursor: 1305,
                    hasMore: true,
                    store: Self.store,
                    digest: ScopeDigest(0xabc)
                ),
                [Self.notice],
                SyncResponse(
                    acknowledgedThrough: 12,
                    operations: [Self.operation, Self.operation],
                    cursor: 1305,
                    hasMore: true,
                    serverTime: 1_764_374_520_000,
                    setAside: [Self.notice],
                    store: Self.store,
                    digest: ScopeDigest(0xabc).text
                ),
                #"{"acknowledgedThrough":12,"cursor":1305,"digest":"0000000000000abc","hasMore":true,"operations":[{"context":{"1":1},"dot":[2,1],"fields":{"phone":"13900000002"},"hlc":[1764374490000,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"set","type":"household"},{"context":{"1":1},"dot":[2,1],"fields":{"phone":"13900000002"},"hlc":[1764374490000,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"set","type":"household"}],"serverTime":1764374520000,"setAside":[{"code":"out_of_scope","dot":[7,3],"message":"Moved away.","messageZh":"已迁出。"}],"store":{"generation":2,"id":"ab12"}}"#
            ),
        ]
        for (page, setAside, response, golden) in cases {
            let spliced = ResponseJSON.syncResponse(
                acknowledgedThrough: response.acknowledgedThrough,
                page: page,
                serverTime: response.serverTime,
                setAside: setAside
            )
            #expect(Self.text(spliced) == golden)
            #expect(Self.text(spliced) == Self.text(CanonicalJSON.encode(response)))
        }
    }

    @Test func snapshotPages() throws {
        let stateBytes = CanonicalJSON.encode(Self.state)
        let cases: [(SnapshotSlice, SnapshotPage, String)] = [
            (
                SnapshotSlice(cursor: 9, grids: [], records: [], nextAfter: nil, recordCount: nil, calendar: nil),
                SnapshotPage(cursor: 9, grids: [], records: [], nextAfter: nil),
                #"{"cursor":9,"grids":[],"records":[]}"#
            ),
            (
                SnapshotSlice(
                    cursor: 1305,
                    grids: [Self.grid],
                    records: [stateBytes],
                    nextAfter: "fm-01,household/x@1305",
                    recordCount: 1,
                    calendar: Self.calendar
                ),
                SnapshotPage(
                    cursor: 1305,
                    grids: [Self.grid],
                    records: [Self.state],
                    nextAfter: "fm-01,household/x@1305",
                    recordCount: 1,
                    calendar: Self.calendar
                ),
                #"{"calendar":{"holidays":["2026-10-01"],"workdays":[]},"cursor":1305,"grids":[{"id":"fm-01","kind":"rural","level":1,"linesOfWork":["governance","safety"],"name":"新华镇","parentId":"fm"}],"nextAfter":"fm-01,household/x@1305","recordCount":1,"records":[{"clock":{"1":1,"2":1},"events":[],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","registers":{"gridId":[{"dot":[1,1],"hlc":[1764374400000,0],"value":"fm-01-01-01-01"}],"note":[{"dot":[1,1],"hlc":[1764374400000,0],"value":"a/b \"c\""}],"phone":[{"dot":[2,1],"hlc":[1764374490000,0],"value":"13900000002"}]},"sets":{},"type":"household"}]}"#
            ),
        ]
        for (slice, page, golden) in cases {
            let spliced = ResponseJSON.snapshotPage(slice)
            #expect(Self.text(spliced) == golden)
            #expect(Self.text(spliced) == Self.text(CanonicalJSON.encode(page)))
        }
    }

    @Test func recordsResponses() throws {
        let stateBytes = CanonicalJSON.encode(Self.state)
        let key = RecordKey(type: .household, id: Self.operation.id)
        #expect(Self.text(ResponseJSON.records([])) == #"{"records":[]}"#)
        #expect(
            Self.text(ResponseJSON.records([])) == Self.text(CanonicalJSON.encode(RecordsResponse(records: [])))
        )
        let spliced = ResponseJSON.records([stateBytes, stateBytes], nextAfter: key)
        #expect(
            Self.text(spliced)
                == #"{"nextAfter":"household/0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","records":[{"clock":{"1":1,"2":1},"events":[],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","registers":{"gridId":[{"dot":[1,1],"hlc":[1764374400000,0],"value":"fm-01-01-01-01"}],"note":[{"dot":[1,1],"hlc":[1764374400000,0],"value":"a/b \"c\""}],"phone":[{"dot":[2,1],"hlc":[1764374490000,0],"value":"13900000002"}]},"sets":{},"type":"household"},{"clock":{"1":1,"2":1},"events":[],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","registers":{"gridId":[{"dot":[1,1],"hlc":[1764374400000,0],"value":"fm-01-01-01-01"}],"note":[{"dot":[1,1],"hlc":[1764374400000,0],"value":"a/b \"c\""}],"phone":[{"dot":[2,1],"hlc":[1764374490000,0],"value":"13900000002"}]},"sets":{},"type":"household"}]}"#
        )
        #expect(
            Self.text(spliced)
                == Self.text(
                    CanonicalJSON.encode(
                        RecordsResponse(records: [Self.state, Self.state], nextAfter: key.description)
                    )
                )
        )
    }
}
