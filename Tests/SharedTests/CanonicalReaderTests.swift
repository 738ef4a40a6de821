import ConvergenceSupport
import Foundation
import PropertyBased
import Testing

@testable import Shared

/// The reader reads any layout of a value's JSON back to the value, and refuses what the wire
/// refused before it was the only codec.
@Suite struct CanonicalReaderTests {
    @Test func randomOperationsStatesAndMessagesReadBackEqual() async throws {
        await propertyCheck(count: 300, input: Gen.int(in: 3...6), Gen.uint64().array(of: 10...60)) {
            replicaCount,
            steps in
            var schedule = ConvergenceSchedule(replicaCount: replicaCount, steps: steps)
            schedule.run()
            for operation in schedule.log {
                try Self.expectReadBack(operation, from: CanonicalJSON.encode(operation))
                try Self.expectReadBack(operation, from: operation.jsonTree.prettyBytes)
            }
            for state in schedule.replicas[0].canonicalRecords {
                try Self.expectReadBack(state, from: state.jsonTree.prettyBytes)
            }
            let request = SyncRequest(batchId: "b", cursor: 9, operations: schedule.log)
            try Self.expectReadBack(request, from: request.jsonTree.prettyBytes)
            let response = SyncResponse(
                acknowledgedThrough: 3,
                operations: schedule.log,
                cursor: 7,
                hasMore: true,
                serverTime: 1
            )
            try Self.expectReadBack(response, from: response.jsonTree.prettyBytes)
        }
    }

    static func expectReadBack<Value: CanonicalDecodable & Equatable>(_ value: Value, from data: Data) throws {
        let read = try CanonicalJSON.decode(Value.self, from: data)
        #expect(read == value)
    }

    @Test func stringsWithEveryEscapeReadBack() throws {
        var text = String((0..<0x80).map { Character(Unicode.Scalar(UInt8($0))) })
        text += "\u{7f}\u{80}\u{2028}汉😀é/"
        let operation = SyncOperation(
            dot: Dot(replica: ReplicaID(3), counter: 1),
            context: VersionVector(),
            hlc: .zero,
            type: .household,
            id: "00000000-0000-7000-8000-000000000001",
            payload: .set(["note": .string(text)])
        )
        try Self.expectReadBack(operation, from: CanonicalJSON.encode(operation))
        let escaped = Data(
            #"{"context":{},"dot":[3,1],"fields":{"note":"\u4e2d\u6587 \ud83d\ude00 \/ \t"},"hlc":[0,0],"id":"00000000-0000-7000-8000-000000000001","kind":"set","type":"household"}"#
                .utf8
        )
        let read = try CanonicalJSON.decode(SyncOperation.self, from: escaped)
        #expect(read.payload == .set(["note": .string("中文 😀 / \t")]))
        #expect(
            try JSONDecoder().decode([String: JSONValue].self, from: escaped)["fields"]
                == .object(["note": .string("中文 😀 / \t")]),
            "Foundation reads the same escapes as the same text"
        )
    }

    static let valid =
        #"{"context":{},"dot":[3,1],"fields":{"n":1.0},"hlc":[0,0],"id":"00000000-0000-7000-8000-000000000001","kind":"set","type":"household"}"#

    /// The refusals of the release that still had a Foundation path beside this reader, which
    /// refused each of these alike.
    @Test func refusalsAreTheCodablePathsRefusals() throws {
        let cases: [(String, ErrorCode?)] = [
            (Self.valid.replacingOccurrences(of: #""kind":"set""#, with: #""kind":"merge""#), .unknownKind),
            (Self.valid.replacingOccurrences(of: #""type":"household""#, with: #""type":"dog""#), .unknownKind),
            (Self.valid.replacingOccurrences(of: #""kind":"set""#, with: #""kind":"set","colour":1"#), .unknownField),
            (
                Self.valid.replacingOccurrences(
                    of: #""kind":"set""#,
                    with: #""kind":"set","event":{"action":"close"}"#
                ), .unknownField
            ),
            (Self.valid.replacingOccurrences(of: #","dot":[3,1]"#, with: ""), nil),
            (Self.valid.replacingOccurrences(of: "[3,1]", with: "[3,1,2]"), nil),
            (Self.valid.replacingOccurrences(of: "1.0", with: "1.5"), nil),
            (String(Self.valid.dropLast()), nil),
            (Self.valid + "x", nil),
            (Self.valid.replacingOccurrences(of: #"{}"#, with: #"{"01":1}"#), nil),
        ]
        for (json, code) in cases {
            do {
                _ = try CanonicalJSON.decode(SyncOperation.self, from: Data(json.utf8))
                Issue.record("accepted \(json)")
            } catch let error as ModelError {
                #expect(error.code == code, "\(json)")
            } catch {
                #expect(code == nil && error is DecodingError, "\(json): \(error)")
            }
        }
        let whole = try CanonicalJSON.decode(SyncOperation.self, from: Data(Self.valid.utf8))
        #expect(
            whole.payload == .set(["n": .integer(1)]),
            "a whole number written 1.0 reads as 1, as JSONDecoder reads it"
        )
    }

    @Test func eventsRefuseUnknownActionsAndKeys() throws {
        func event(_ body: String) -> Data {
            Data(
                #"{"context":{},"dot":[3,1],"event":\#(body),"hlc":[0,0],"id":"00000000-0000-7000-8000-000000000001","kind":"event","type":"incident"}"#
                    .utf8
            )
        }
        #expect(throws: ModelError.unknownName("fly", field: "action", what: ("incident action", "事件操作"))) {
            try CanonicalJSON.decode(SyncOperation.self, from: event(#"{"action":"fly"}"#))
        }
        #expect(throws: ModelError.unknownKey("mood", owner: ("An incident event", "事件步骤"))) {
            try CanonicalJSON.decode(SyncOperation.self, from: event(#"{"action":"close","mood":"ok"}"#))
        }
        let read = try CanonicalJSON.decode(
            SyncOperation.self,
            from: event(#"{"action":"close","satisfaction":"satisfied","note":null}"#)
        )
        #expect(read.payload == .event(IncidentEvent(action: .close, satisfaction: .satisfied)))
    }
}
