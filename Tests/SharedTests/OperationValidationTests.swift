import Foundation
import Testing

@testable import Shared

/// Operations checked against their record type's schema, and their strict JSON form.
@Suite struct OperationValidationTests {
    static let uuid = "0193a6e2-7c4b-7d2e-9f00-123456789abc"

    static func operation(_ type: RecordType, _ payload: SyncOperation.Payload, id: String = uuid) -> SyncOperation {
        SyncOperation(
            dot: Dot(replica: ReplicaID(3), counter: 17),
            context: VersionVector([ReplicaID(3): 16]),
            hlc: HLCTimestamp(wallMilliseconds: 1_764_384_600_123),
            type: type,
            id: id,
            payload: payload
        )
    }

    static let household: [String: FieldValue] = [
        "gridId": .string("t01-v01-c1-g1"),
        "address": .string("红帽子镇 1组 3号"),
        "headName": .string("包金山"),
        "phone": .string("13800138000"),
        "residenceType": .string("owned"),
        "registrationMatches": .boolean(true),
    ]

    static func creating(_ fields: [String: FieldValue]) -> SyncOperation {
        operation(.household, .create(fields))
    }

    static func event(_ event: IncidentEvent) -> SyncOperation { operation(.incident, .event(event)) }

    // MARK: valid operations

    @Test func aValidHouseholdCreatePasses() throws {
        try Self.creating(Self.household).validate()
    }

    @Test func validOperationsOfEveryKindPass() throws {
        try Self.operation(.household, .set(["note": .string("Verified on site.")])).validate()
        try Self.operation(.resident, .add(field: "phones", element: "0418-1234567")).validate()
        try Self.operation(.resident, .remove(field: "tags", element: "livingAlone")).validate()
        try Self.operation(.household, .tombstone).validate()
        try Self.event(IncidentEvent(action: .dispatch, node: "t01", target: "dept-env")).validate()
        try Self.operation(
            .workLog,
            .log(["gridId": .string("t01-v01-c1-g1"), "date": .string("2026-11-27"), "text": .string("Patrolled.")])
        ).validate()
    }

    @Test func optionalFieldsMayBeNull() throws {
        try Self.operation(.household, .set(["phone": .null])).validate()
    }

    // MARK: refusals

    @Test func aMissingRequiredFieldIsRefusedNamingIt() {
        var fields = Self.household
        fields["address"] = nil
        #expect(throws: ModelError.invalidValue(field: "address", reason: .required)) {
            try Self.creating(fields).validate()
        }
    }

    @Test func aRequiredFieldSetToNullOnCreateIsRefused() {
        var fields = Self.household
        fields["address"] = .null
        #expect(throws: ModelError.invalidValue(field: "address", reason: .required)) {
            try Self.creating(fields).validate()
        }
    }

    @Test func anUnknownFieldIsRefused() {
        var fields = Self.household
        fields["foo"] = .string("bar")
        let error = #expect(throws: ModelError.self) { try Self.creating(fields).validate() }
        #expect(error?.code == .unknownField)
        #expect(error?.field == "foo")
    }

    @Test func aBadPhoneIsRefused() {
        var fields = Self.household
        fields["phone"] = .string("12800138000")
        #expect(throws: ModelError.invalidValue(field: "phone", reason: .phone)) {
            try Self.creating(fields).validate()
        }
    }

    @Test func aValueOfTheWrongTypeIsRefused() {
        #expect(throws: ModelError.invalidValue(field: "registrationMatches", reason: .type)) {
            try Self.operation(.household, .set(["registrationMatches": .string("yes")])).validate()
        }
    }

    @Test func settingARequiredFieldToNullIsRefused() {
        #expect(throws: ModelError.invalidValue(field: "headName", reason: .required)) {
            try Self.operation(.household, .set(["headName": .null])).validate()
        }
    }

    @Test func anEmptySetIsRefused() {
        #expect(throws: ModelError.self) { try Self.operation(.household, .set([:])).validate() }
    }

    @Test func addingABadPhoneToAResidentIsRefused() {
        #expect(throws: ModelError.invalidValue(field: "phones", reason: .phone)) {
            try Self.operation(.resident, .add(field: "phones", element: "12345")).validate()
        }
    }

    @Test func addingAnUnknownTagIsRefused() {
        let error = #expect(throws: ModelError.self) {
            try Self.operation(.resident, .add(field: "tags", element: "vip")).validate()
        }
        #expect(error?.field == "tags")
    }

    @Test func addingToARegisterFieldIsRefused() {
        #expect(throws: ModelError.invalidValue(field: "address", reason: .notASet)) {
            try Self.operation(.household, .add(field: "address", element: "somewhere")).validate()
        }
    }

    @Test func writingASetFieldAsARegisterIsRefused() {
        #expect(throws: ModelError.invalidValue(field: "phones", reason: .elementNotInSet)) {
            try Self.operation(.resident, .set(["phones": .string("13800138000")])).validate()
        }
    }

    @Test func setOnAWorkLogIsRefused() {
        let error = #expect(throws: ModelError.self) {
            try Self.operation(.workLog, .set(["text": .string("Edited.")])).validate()
        }
        #expect(error?.code == .invalidValue)
        #expect(error?.message.english.contains("set") == true)
    }

    @Test func logOnAHouseholdIsRefused() {
        let error = #expect(throws: ModelError.self) { try Self.operation(.household, .log(Self.household)).validate() }
        #expect(error?.code == .invalidValue)
        #expect(error?.message.english.contains("log") == true)
    }

    @Test func eventsOnlyGoToIncidents() {
        #expect(throws: ModelError.self) {
            try Self.operation(.household, .event(IncidentEvent(action: .comment))).validate()
        }
    }

    @Test func dispatchWithoutATargetIsRefused() {
        #expect(throws: ModelError.invalidValue(field: "target", reason: .required)) {
            try Self.event(IncidentEvent(action: .dispatch, node: "t01")).validate()
        }
    }

    @Test func closeWithoutSatisfactionIsRefused() {
        #expect(throws: ModelError.invalidValue(field: "satisfaction", reason: .required)) {
            try Self.event(IncidentEvent(action: .close, node: "t01")).validate()
        }
    }

    @Test func anExtensionRequestNeedsAReason() {
        #expect(throws: ModelError.invalidValue(field: "note", reason: .required)) {
            try Self.event(IncidentEvent(action: .requestExtension, note: "   ")).validate()
        }
    }

    @Test(arguments: [
        "", "not-a-uuid", "0193A6E2-7C4B-7D2E-9F00-123456789ABC", "0193a6e2-7c4b-7d2e-9f00-123456789ab",
        "0193a6e2_7c4b_7d2e_9f00_123456789abc", "{0193a6e2-7c4b-7d2e-9f00-123456789abc}",
    ])
    func aBadRecordIDIsRefused(id: String) {
        #expect(throws: ModelError.invalidValue(field: "id", reason: .recordID)) {
            try Self.operation(.household, .create(Self.household), id: id).validate()
        }
    }

    @Test func writingDeletedBySetIsRefused() {
        #expect(throws: ModelError.invalidValue(field: "deleted", reason: .notWritable)) {
            try Self.operation(.household, .set(["deleted": .boolean(true)])).validate()
        }
    }

    @Test func aCounterOfZeroIsRefused() {
        let operation = SyncOperation(
            dot: Dot(replica: ReplicaID(3), counter: 0),
            context: VersionVector(),
            hlc: .zero,
            type: .household,
            id: Self.uuid,
            payload: .tombstone
        )
        #expect(throws: ModelError.self) { try operation.validate() }
    }

    // MARK: JSON

    static func decode(_ text: String) throws -> SyncOperation {
        try CanonicalJSON.decode(SyncOperation.self, from: Data(text.utf8))
    }

    @Test func anUnknownKindIsRefusedWithItsCode() {
        let error = #expect(throws: ModelError.self) {
            try Self.decode(
                #"{"context":{},"dot":[3,1],"hlc":[1,0],"id":"\#(Self.uuid)","kind":"merge","type":"household"}"#
            )
        }
        #expect(error?.code == .unknownKind)
    }

    @Test func anExtraKeyIsRefusedAsAnUnknownField() {
        let error = #expect(throws: ModelError.self) {
            try Self.decode(
                #"{"context":{},"dot":[3,1],"fields":{"note":"x"},"foo":1,"hlc":[1,0],"id":"\#(Self.uuid)","kind":"set","type":"household"}"#
            )
        }
        #expect(error?.code == .unknownField)
        #expect(error?.field == "foo")
    }

    @Test func aKeyOfAnotherKindIsRefusedAsAnUnknownField() {
        let error = #expect(throws: ModelError.self) {
            try Self.decode(
                #"{"context":{},"dot":[3,1],"element":"x","hlc":[1,0],"id":"\#(Self.uuid)","kind":"tombstone","type":"household"}"#
            )
        }
        #expect(error?.code == .unknownField)
        #expect(error?.field == "element")
    }

    @Test func theDocumentedExampleEncodesExactly() throws {
        let operation = Self.operation(.household, .set(["phone": .string("13800000000")]))
        let text = String(decoding: CanonicalJSON.encode(operation), as: UTF8.self)
        #expect(
            text
                == #"{"context":{"3":16},"dot":[3,17],"fields":{"phone":"13800000000"},"hlc":[1764384600123,0],"id":"\#(Self.uuid)","kind":"set","type":"household"}"#
        )
    }

    static let everyKind: [SyncOperation] = [
        creating(household),
        operation(
            .household,
            .set(["note": .string("a/b \"quoted\""), "phone": .null, "verifiedAt": .string("2026-11-27")])
        ),
        operation(.resident, .add(field: "phones", element: "13800138000")),
        operation(.resident, .remove(field: "tags", element: "livingAlone")),
        operation(.household, .tombstone),
        event(IncidentEvent(action: .close, node: "t01", note: "办结", satisfaction: .basicallySatisfied)),
        event(IncidentEvent(action: .approveExtension, node: "t01", days: 2)),
        operation(.workLog, .log(["date": .string("2026-11-27"), "patrolMinutes": .integer(90)])),
    ]

    @Test(arguments: everyKind)
    func roundTripsThroughCanonicalJSONToIdenticalBytes(operation: SyncOperation) throws {
        let bytes = CanonicalJSON.encode(operation)
        let decoded = try CanonicalJSON.decode(SyncOperation.self, from: bytes)
        #expect(decoded == operation)
        #expect(try CanonicalJSON.encode(decoded) == bytes)
    }

    @Test(arguments: everyKind)
    func topLevelKeysAreSorted(operation: SyncOperation) throws {
        let bytes = CanonicalJSON.encode(operation)
        let object = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        let text = String(decoding: bytes, as: UTF8.self)
        let positions = object.keys.map { key in
            (key, text.range(of: "\"\(key)\":")!.lowerBound)
        }
        let inTextOrder = positions.sorted { $0.1 < $1.1 }.map(\.0)
        #expect(inTextOrder == object.keys.sorted())
        #expect(!text.contains("\\/"))
        #expect(!text.contains("\n"))
    }
}
