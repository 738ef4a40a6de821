import ConvergenceSupport
import Foundation
import PropertyBased
import Testing

@testable import Shared

/// The hand-written canonical JSON writer produces exactly Foundation's bytes.
@Suite struct CanonicalWriterTests {
    @Test func everyOperationAndStateOfRandomSchedulesMatchesFoundation() async throws {
        await propertyCheck(count: 300, input: Gen.int(in: 3...6), Gen.uint64().array(of: 10...60)) {
            replicaCount,
            steps in
            var schedule = ConvergenceSchedule(replicaCount: replicaCount, steps: steps)
            schedule.run()
            for operation in schedule.log {
                try Self.expectSameBytes(operation)
            }
            for state in schedule.replicas[0].canonicalRecords {
                try Self.expectSameBytes(state)
            }
            try Self.expectSameBytes(
                SyncRequest(batchId: "b/\(steps.count)", cursor: UInt64(steps.count), operations: schedule.log)
            )
        }
    }

    @Test func stringsEscapeAsFoundationEscapes() throws {
        var text = String((0..<0x80).map { Character(Unicode.Scalar(UInt8($0))) })
        text += "\u{7f}\u{80}\u{2028}\u{2029}\u{FEFF}汉😀é/"
        let operation = SyncOperation(
            dot: Dot(replica: ReplicaID(12), counter: 9),
            context: VersionVector([ReplicaID(9): 1, ReplicaID(10): 2]),
            hlc: HLCTimestamp(wallMilliseconds: 1, logical: 2),
            type: .household,
            id: "00000000-0000-7000-8000-000000000001",
            payload: .set(["note": .string(text), "é": .integer(-5), "b": .boolean(false), "a": .null])
        )
        try Self.expectSameBytes(operation)
        let event = SyncOperation(
            dot: Dot(replica: .server, counter: 1),
            context: VersionVector(),
            hlc: .zero,
            type: .incident,
            id: "00000000-0000-7000-8000-000000000002",
            payload: .event(
                IncidentEvent(
                    action: .close,
                    node: "n",
                    target: "t",
                    note: text,
                    satisfaction: .satisfied,
                    registryNumber: "FM-1",
                    days: 3
                )
            )
        )
        try Self.expectSameBytes(event)
    }

    static func expectSameBytes(_ value: some Encodable) throws {
        let written = try CanonicalJSON.encode(value)
        let reference = try CanonicalJSON.encodeWithFoundation(value)
        #expect(written == reference, "\(String(decoding: written, as: UTF8.self))")
    }
}
