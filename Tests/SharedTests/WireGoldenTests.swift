import Foundation
import Testing

@testable import Shared

/// The bytes of ``WireSamples`` exactly as GridSync wrote them before each wire type had one codec,
/// captured from it: agents of that release talk to this server, and stored operations and
/// states are compared byte for byte, so these bytes never change. Each sample encodes to its
/// bytes, and its bytes decode to the sample.
@Suite struct WireGoldenTests {
    static func expect<Value: CanonicalCodable & Equatable>(
        _ values: [Value],
        _ golden: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(values.count == golden.count, sourceLocation: sourceLocation)
        for (value, bytes) in zip(values, golden) {
            let encoded = String(decoding: CanonicalJSON.encode(value), as: UTF8.self)
            #expect(encoded == bytes, sourceLocation: sourceLocation)
            #expect(
                try CanonicalJSON.decode(Value.self, from: Data(bytes.utf8)) == value,
                sourceLocation: sourceLocation
            )
        }
    }

    @Test func operations() throws { try Self.expect(WireSamples.operations, Self.operations) }

    @Test func states() throws { try Self.expect(WireSamples.states, Self.states) }

    @Test func syncRequests() throws { try Self.expect(WireSamples.syncRequests, Self.syncRequests) }

    @Test func syncResponses() throws { try Self.expect(WireSamples.syncResponses, Self.syncResponses) }

    @Test func snapshotPages() throws { try Self.expect(WireSamples.snapshotPages, Self.snapshotPages) }

    @Test func recordsRequests() throws { try Self.expect(WireSamples.recordsRequests, Self.recordsRequests) }

    @Test func recordsResponses() throws { try Self.expect(WireSamples.recordsResponses, Self.recordsResponses) }

    @Test func digest() throws { try Self.expect([WireSamples.digest], Self.digest) }

    @Test func enrollment() throws { try Self.expect([WireSamples.enrollment], Self.enrollment) }

    @Test func errorBodies() throws { try Self.expect(WireSamples.errorBodies, Self.errorBodies) }

    @Test func grids() throws { try Self.expect(WireSamples.grids, Self.grids) }

    @Test func calendar() throws { try Self.expect([WireSamples.calendar], Self.calendar) }

    @Test func store() throws { try Self.expect([WireSamples.store], Self.store) }

    @Test func notice() throws { try Self.expect([WireSamples.notice], Self.notice) }

    static let operations = [
        #"{"context":{},"dot":[1,1],"fields":{"Zeta":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é","address":"新华村3组12号","gridId":"fm-01-01-01-01","members":-3,"note":null,"verified":true,"é":-9223372036854775808},"hlc":[1764374400000,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"create","type":"household"}"#,
        #"{"context":{"1":1},"dot":[1,2],"fields":{"phone":"138"},"hlc":[1764374460000,3],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"set","type":"household"}"#,
        #"{"context":{"1":1},"dot":[3,1],"fields":{"phone":"139"},"hlc":[1764374460000,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"set","type":"household"}"#,
        #"{"context":{"1":1},"dot":[10,1],"fields":{"members":4},"hlc":[1764374460001,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"set","type":"household"}"#,
        #"{"context":{"1":1},"dot":[9,1],"fields":{"verified":false},"hlc":[1764374460002,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"set","type":"household"}"#,
        #"{"context":{"1":2,"10":1,"3":1,"9":1},"dot":[1,3],"hlc":[1764374470000,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"tombstone","type":"household"}"#,
        #"{"context":{},"dot":[1,4],"fields":{"name":"包小花"},"hlc":[1764374400001,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70","kind":"create","type":"resident"}"#,
        #"{"context":{"1":4},"dot":[1,5],"element":"a","field":"tags","hlc":[1764374400002,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70","kind":"add","type":"resident"}"#,
        #"{"context":{"1":5},"dot":[1,6],"element":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é","field":"tags","hlc":[1764374400003,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70","kind":"add","type":"resident"}"#,
        #"{"context":{"1":6},"dot":[2,1],"element":"a","field":"tags","hlc":[1764374490000,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70","kind":"remove","type":"resident"}"#,
        #"{"context":{},"dot":[1,7],"fields":{"category":"dispute","gridId":"fm-01-01-01-01"},"hlc":[1764374400004,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e71","kind":"create","type":"incident"}"#,
        #"{"context":{"1":7},"dot":[0,1],"event":{"action":"close","days":5,"node":"fm-01","note":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é","registryNumber":"FM-20251129-000042","satisfaction":"basicallySatisfied","target":"fm-dept-land"},"hlc":[1764374490000,1],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e71","kind":"event","type":"incident"}"#,
        #"{"context":{"1":7},"dot":[2,2],"event":{"action":"comment"},"hlc":[1764374490002,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e71","kind":"event","type":"incident"}"#,
        #"{"context":{},"dot":[1,8],"fields":{"date":"2025-11-29","householdsVisited":9007199254740991},"hlc":[1764374400005,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e72","kind":"log","type":"workLog"}"#,
    ]

    static let states = [
        #"{"clock":{"1":3,"10":1,"3":1,"9":1},"events":[],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","registers":{"Zeta":[{"dot":[1,1],"hlc":[1764374400000,0],"value":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é"}],"address":[{"dot":[1,1],"hlc":[1764374400000,0],"value":"新华村3组12号"}],"deleted":[{"dot":[1,3],"hlc":[1764374470000,0],"value":true}],"gridId":[{"dot":[1,1],"hlc":[1764374400000,0],"value":"fm-01-01-01-01"}],"members":[{"dot":[10,1],"hlc":[1764374460001,0],"value":4}],"note":[{"dot":[1,1],"hlc":[1764374400000,0],"value":null}],"phone":[{"dot":[1,2],"hlc":[1764374460000,3],"value":"138"},{"dot":[3,1],"hlc":[1764374460000,0],"value":"139"}],"verified":[{"dot":[9,1],"hlc":[1764374460002,0],"value":false}],"é":[{"dot":[1,1],"hlc":[1764374400000,0],"value":-9223372036854775808}]},"sets":{},"type":"household"}"#,
        #"{"clock":{"0":1,"1":7,"2":2},"events":[{"dot":[0,1],"event":{"action":"close","days":5,"node":"fm-01","note":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é","registryNumber":"FM-20251129-000042","satisfaction":"basicallySatisfied","target":"fm-dept-land"},"hlc":[1764374490000,1]},{"dot":[2,2],"event":{"action":"comment"},"hlc":[1764374490002,0]}],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e71","registers":{"category":[{"dot":[1,7],"hlc":[1764374400004,0],"value":"dispute"}],"gridId":[{"dot":[1,7],"hlc":[1764374400004,0],"value":"fm-01-01-01-01"}]},"sets":{},"type":"incident"}"#,
        #"{"clock":{"1":6,"2":1},"events":[],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70","registers":{"name":[{"dot":[1,4],"hlc":[1764374400001,0],"value":"包小花"}]},"sets":{"tags":[{"dot":[1,6],"element":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é"}]},"type":"resident"}"#,
        #"{"clock":{"1":8},"events":[],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e72","registers":{"date":[{"dot":[1,8],"hlc":[1764374400005,0],"value":"2025-11-29"}],"householdsVisited":[{"dot":[1,8],"hlc":[1764374400005,0],"value":9007199254740991}]},"sets":{},"type":"workLog"}"#,
    ]

    static let syncRequests = [
        #"{"batchId":"0193a5c2-7b1e-7c3d-9f2e-000000000001","cursor":0,"operations":[],"protocolVersion":1}"#,
        #"{"batchId":"b.1_x:y-z","cursor":1200,"operations":[{"context":{},"dot":[1,1],"fields":{"Zeta":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é","address":"新华村3组12号","gridId":"fm-01-01-01-01","members":-3,"note":null,"verified":true,"é":-9223372036854775808},"hlc":[1764374400000,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"create","type":"household"},{"context":{"1":1},"dot":[1,2],"fields":{"phone":"138"},"hlc":[1764374460000,3],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"set","type":"household"},{"context":{"1":1},"dot":[3,1],"fields":{"phone":"139"},"hlc":[1764374460000,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"set","type":"household"},{"context":{"1":1},"dot":[10,1],"fields":{"members":4},"hlc":[1764374460001,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"set","type":"household"},{"context":{"1":1},"dot":[9,1],"fields":{"verified":false},"hlc":[1764374460002,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"set","type":"household"},{"context":{"1":2,"10":1,"3":1,"9":1},"dot":[1,3],"hlc":[1764374470000,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"tombstone","type":"household"},{"context":{},"dot":[1,4],"fields":{"name":"包小花"},"hlc":[1764374400001,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70","kind":"create","type":"resident"},{"context":{"1":4},"dot":[1,5],"element":"a","field":"tags","hlc":[1764374400002,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70","kind":"add","type":"resident"},{"context":{"1":5},"dot":[1,6],"element":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é","field":"tags","hlc":[1764374400003,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70","kind":"add","type":"resident"},{"context":{"1":6},"dot":[2,1],"element":"a","field":"tags","hlc":[1764374490000,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70","kind":"remove","type":"resident"},{"context":{},"dot":[1,7],"fields":{"category":"dispute","gridId":"fm-01-01-01-01"},"hlc":[1764374400004,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e71","kind":"create","type":"incident"},{"context":{"1":7},"dot":[0,1],"event":{"action":"close","days":5,"node":"fm-01","note":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é","registryNumber":"FM-20251129-000042","satisfaction":"basicallySatisfied","target":"fm-dept-land"},"hlc":[1764374490000,1],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e71","kind":"event","type":"incident"},{"context":{"1":7},"dot":[2,2],"event":{"action":"comment"},"hlc":[1764374490002,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e71","kind":"event","type":"incident"},{"context":{},"dot":[1,8],"fields":{"date":"2025-11-29","householdsVisited":9007199254740991},"hlc":[1764374400005,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e72","kind":"log","type":"workLog"}],"protocolVersion":1,"recovered":{"lost":0,"resent":12},"store":{"generation":3,"id":"9f2e1a2b3c4d5e6f"}}"#,
    ]

    static let syncResponses = [
        #"{"acknowledgedThrough":0,"cursor":0,"hasMore":false,"operations":[],"serverTime":1}"#,
        #"{"acknowledgedThrough":2,"cursor":1305,"digest":"00abcdef01234567","hasMore":true,"operations":[{"context":{},"dot":[1,1],"fields":{"Zeta":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é","address":"新华村3组12号","gridId":"fm-01-01-01-01","members":-3,"note":null,"verified":true,"é":-9223372036854775808},"hlc":[1764374400000,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"create","type":"household"},{"context":{"1":1},"dot":[1,2],"fields":{"phone":"138"},"hlc":[1764374460000,3],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"set","type":"household"},{"context":{"1":1},"dot":[3,1],"fields":{"phone":"139"},"hlc":[1764374460000,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"set","type":"household"},{"context":{"1":1},"dot":[10,1],"fields":{"members":4},"hlc":[1764374460001,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"set","type":"household"},{"context":{"1":1},"dot":[9,1],"fields":{"verified":false},"hlc":[1764374460002,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"set","type":"household"},{"context":{"1":2,"10":1,"3":1,"9":1},"dot":[1,3],"hlc":[1764374470000,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","kind":"tombstone","type":"household"},{"context":{},"dot":[1,4],"fields":{"name":"包小花"},"hlc":[1764374400001,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70","kind":"create","type":"resident"},{"context":{"1":4},"dot":[1,5],"element":"a","field":"tags","hlc":[1764374400002,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70","kind":"add","type":"resident"},{"context":{"1":5},"dot":[1,6],"element":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é","field":"tags","hlc":[1764374400003,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70","kind":"add","type":"resident"},{"context":{"1":6},"dot":[2,1],"element":"a","field":"tags","hlc":[1764374490000,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70","kind":"remove","type":"resident"},{"context":{},"dot":[1,7],"fields":{"category":"dispute","gridId":"fm-01-01-01-01"},"hlc":[1764374400004,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e71","kind":"create","type":"incident"},{"context":{"1":7},"dot":[0,1],"event":{"action":"close","days":5,"node":"fm-01","note":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é","registryNumber":"FM-20251129-000042","satisfaction":"basicallySatisfied","target":"fm-dept-land"},"hlc":[1764374490000,1],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e71","kind":"event","type":"incident"},{"context":{"1":7},"dot":[2,2],"event":{"action":"comment"},"hlc":[1764374490002,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e71","kind":"event","type":"incident"},{"context":{},"dot":[1,8],"fields":{"date":"2025-11-29","householdsVisited":9007199254740991},"hlc":[1764374400005,0],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e72","kind":"log","type":"workLog"}],"serverTime":1764374520000,"setAside":[{"code":"out_of_scope","dot":[1,9],"message":"Moved away: a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é","messageZh":"已迁出：a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é"}],"store":{"generation":3,"id":"9f2e1a2b3c4d5e6f"}}"#,
    ]

    static let snapshotPages = [
        #"{"cursor":7,"grids":[],"records":[]}"#,
        #"{"calendar":{"holidays":["2026-10-01","2026-10-02"],"workdays":["2026-09-27","2026-10-10"]},"cursor":1305,"grids":[{"id":"fm","kind":"rural","level":0,"linesOfWork":[],"name":"富民县"},{"id":"fm-01-01-01-01","kind":"urban","level":4,"linesOfWork":["epidemicPrevention","governance","partyBuilding","safety"],"name":"新华村第3村民小组","parentId":"fm-01-01-01"},{"id":"fm-dept-land","kind":"department","level":1,"linesOfWork":[],"name":"国土局","parentId":"fm"}],"nextAfter":"fm-01,household/0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f@1305","recordCount":2,"records":[{"clock":{"1":3,"10":1,"3":1,"9":1},"events":[],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","registers":{"Zeta":[{"dot":[1,1],"hlc":[1764374400000,0],"value":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é"}],"address":[{"dot":[1,1],"hlc":[1764374400000,0],"value":"新华村3组12号"}],"deleted":[{"dot":[1,3],"hlc":[1764374470000,0],"value":true}],"gridId":[{"dot":[1,1],"hlc":[1764374400000,0],"value":"fm-01-01-01-01"}],"members":[{"dot":[10,1],"hlc":[1764374460001,0],"value":4}],"note":[{"dot":[1,1],"hlc":[1764374400000,0],"value":null}],"phone":[{"dot":[1,2],"hlc":[1764374460000,3],"value":"138"},{"dot":[3,1],"hlc":[1764374460000,0],"value":"139"}],"verified":[{"dot":[9,1],"hlc":[1764374460002,0],"value":false}],"é":[{"dot":[1,1],"hlc":[1764374400000,0],"value":-9223372036854775808}]},"sets":{},"type":"household"},{"clock":{"0":1,"1":7,"2":2},"events":[{"dot":[0,1],"event":{"action":"close","days":5,"node":"fm-01","note":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é","registryNumber":"FM-20251129-000042","satisfaction":"basicallySatisfied","target":"fm-dept-land"},"hlc":[1764374490000,1]},{"dot":[2,2],"event":{"action":"comment"},"hlc":[1764374490002,0]}],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e71","registers":{"category":[{"dot":[1,7],"hlc":[1764374400004,0],"value":"dispute"}],"gridId":[{"dot":[1,7],"hlc":[1764374400004,0],"value":"fm-01-01-01-01"}]},"sets":{},"type":"incident"},{"clock":{"1":6,"2":1},"events":[],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70","registers":{"name":[{"dot":[1,4],"hlc":[1764374400001,0],"value":"包小花"}]},"sets":{"tags":[{"dot":[1,6],"element":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é"}]},"type":"resident"},{"clock":{"1":8},"events":[],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e72","registers":{"date":[{"dot":[1,8],"hlc":[1764374400005,0],"value":"2025-11-29"}],"householdsVisited":[{"dot":[1,8],"hlc":[1764374400005,0],"value":9007199254740991}]},"sets":{},"type":"workLog"}]}"#,
    ]

    static let recordsRequests = [
        #"{"keys":["household/0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","incident/0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e71"]}"#,
        #"{"keys":[]}"#,
        #"{"grid":"fm-01-01-01-01","keys":[]}"#,
        #"{"after":"household/0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","grid":"fm-01-01-01-01","keys":[]}"#,
    ]

    static let recordsResponses = [
        #"{"records":[]}"#,
        #"{"nextAfter":"household/0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","records":[{"clock":{"1":3,"10":1,"3":1,"9":1},"events":[],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e6f","registers":{"Zeta":[{"dot":[1,1],"hlc":[1764374400000,0],"value":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é"}],"address":[{"dot":[1,1],"hlc":[1764374400000,0],"value":"新华村3组12号"}],"deleted":[{"dot":[1,3],"hlc":[1764374470000,0],"value":true}],"gridId":[{"dot":[1,1],"hlc":[1764374400000,0],"value":"fm-01-01-01-01"}],"members":[{"dot":[10,1],"hlc":[1764374460001,0],"value":4}],"note":[{"dot":[1,1],"hlc":[1764374400000,0],"value":null}],"phone":[{"dot":[1,2],"hlc":[1764374460000,3],"value":"138"},{"dot":[3,1],"hlc":[1764374460000,0],"value":"139"}],"verified":[{"dot":[9,1],"hlc":[1764374460002,0],"value":false}],"é":[{"dot":[1,1],"hlc":[1764374400000,0],"value":-9223372036854775808}]},"sets":{},"type":"household"},{"clock":{"0":1,"1":7,"2":2},"events":[{"dot":[0,1],"event":{"action":"close","days":5,"node":"fm-01","note":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é","registryNumber":"FM-20251129-000042","satisfaction":"basicallySatisfied","target":"fm-dept-land"},"hlc":[1764374490000,1]},{"dot":[2,2],"event":{"action":"comment"},"hlc":[1764374490002,0]}],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e71","registers":{"category":[{"dot":[1,7],"hlc":[1764374400004,0],"value":"dispute"}],"gridId":[{"dot":[1,7],"hlc":[1764374400004,0],"value":"fm-01-01-01-01"}]},"sets":{},"type":"incident"},{"clock":{"1":6,"2":1},"events":[],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e70","registers":{"name":[{"dot":[1,4],"hlc":[1764374400001,0],"value":"包小花"}]},"sets":{"tags":[{"dot":[1,6],"element":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é"}]},"type":"resident"},{"clock":{"1":8},"events":[],"id":"0193a5c2-7b1e-7c3d-9f2e-1a2b3c4d5e72","registers":{"date":[{"dot":[1,8],"hlc":[1764374400005,0],"value":"2025-11-29"}],"householdsVisited":[{"dot":[1,8],"hlc":[1764374400005,0],"value":9007199254740991}]},"sets":{},"type":"workLog"}]}"#,
    ]

    static let digest = [
        #"{"grids":[{"digest":"0000000000000001","id":"fm-01-01-01-01"},{"digest":"ffffffffffffffff","id":"fm-01-01-01-02"}]}"#
    ]

    static let enrollment = [
        #"{"agentName":"新华村3组网格员 a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é","gridId":"fm-01-01-01-01","protocolVersion":1,"replica":7,"serverTime":1764374400000}"#
    ]

    static let errorBodies = [
        #"{"code":"out_of_scope","dots":[[7,12],[7,13]],"message":"Out of scope.","messageZh":"超出辖区。"}"#,
        #"{"code":"malformed_body","message":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é","messageZh":"a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é"}"#,
    ]

    static let grids = [
        #"{"id":"fm","kind":"rural","level":0,"linesOfWork":[],"name":"富民县"}"#,
        #"{"id":"fm-01-01-01-01","kind":"urban","level":4,"linesOfWork":["epidemicPrevention","governance","partyBuilding","safety"],"name":"新华村第3村民小组","parentId":"fm-01-01-01"}"#,
        #"{"id":"fm-dept-land","kind":"department","level":1,"linesOfWork":[],"name":"国土局","parentId":"fm"}"#,
    ]

    static let calendar = [
        #"{"holidays":["2026-10-01","2026-10-02"],"workdays":["2026-09-27","2026-10-10"]}"#
    ]

    static let store = [
        #"{"generation":3,"id":"9f2e1a2b3c4d5e6f"}"#
    ]

    static let notice = [
        #"{"code":"out_of_scope","dot":[1,9],"message":"Moved away: a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é","messageZh":"已迁出：a\"b\\c/d\u0000\b\t\n\f\r\u001f\#u{7f}\#u{2028}汉😀é"}"#
    ]
}
