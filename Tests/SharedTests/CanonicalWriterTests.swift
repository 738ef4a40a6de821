import ConvergenceSupport
import Foundation
import PropertyBased
import Testing

@testable import Shared

/// The canonical writer produces exactly Foundation's bytes of the same JSON tree, the form the
/// wire and the stores were defined by, and reads back what it wrote (``CanonicalProperties``).
@Suite struct CanonicalWriterTests {
    @Test func everyOperationAndStateOfRandomSchedulesMatchesFoundation() async throws {
        await propertyCheck(count: 300, input: Gen.int(in: 3...6), Gen.uint64().array(of: 10...60)) {
            replicaCount,
            steps in
            var schedule = ConvergenceSchedule(replicaCount: replicaCount, steps: steps)
            schedule.run()
            for operation in schedule.log {
                try CanonicalProperties.check(operation)
            }
            for state in schedule.replicas[0].canonicalRecords {
                try CanonicalProperties.check(state)
            }
            try CanonicalProperties.check(
                SyncRequest(batchId: "b.\(steps.count)", cursor: UInt64(steps.count), operations: schedule.log)
            )
            try CanonicalProperties.check(
                SnapshotPage(cursor: 1, grids: [], records: schedule.replicas[0].canonicalRecords, nextAfter: nil)
            )
        }
    }

    /// One message of every wire type, every optional part present and absent.
    @Test func everyWireSampleMatchesFoundation() throws {
        for value in WireSamples.operations { try CanonicalProperties.check(value) }
        for value in WireSamples.states { try CanonicalProperties.check(value) }
        for value in WireSamples.syncRequests { try CanonicalProperties.check(value) }
        for value in WireSamples.syncResponses { try CanonicalProperties.check(value) }
        for value in WireSamples.snapshotPages { try CanonicalProperties.check(value) }
        for value in WireSamples.recordsRequests { try CanonicalProperties.check(value) }
        for value in WireSamples.recordsResponses { try CanonicalProperties.check(value) }
        for value in WireSamples.errorBodies { try CanonicalProperties.check(value) }
        for value in WireSamples.grids { try CanonicalProperties.check(value) }
        try CanonicalProperties.check(WireSamples.digest)
        try CanonicalProperties.check(WireSamples.enrollment)
        try CanonicalProperties.check(WireSamples.calendar)
        try CanonicalProperties.check(WireSamples.store)
        try CanonicalProperties.check(WireSamples.notice)
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
        try CanonicalProperties.check(operation)
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
        try CanonicalProperties.check(event)
    }

    /// The values the command-line views still print through Foundation (``FieldValue``,
    /// ``HLCTimestamp``, the protocol names) print there exactly as on the wire.
    @Test func whatTheConsoleViewsPrintThroughFoundationIsTheWireForm() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let values: [FieldValue] = [
            .string(WireSamples.awkward), .integer(.min), .integer(.max), .boolean(true), .null,
        ]
        for value in values {
            #expect(try encoder.encode(value) == CanonicalJSON.encode(value))
            #expect(try JSONDecoder().decode(FieldValue.self, from: CanonicalJSON.encode(value)) == value)
        }
        for hlc in [HLCTimestamp.zero, HLCTimestamp(wallMilliseconds: WireLimits.maxCounter, logical: .max)] {
            #expect(try encoder.encode(hlc) == CanonicalJSON.encode(hlc))
        }
        for type in RecordType.allCases {
            #expect(try encoder.encode(type) == CanonicalJSON.encode(type))
        }
    }
}
