import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import Testing

@testable import GridSyncServer

/// Personal information (names, ID numbers, phones) never reaches a log at info level or above.
@Suite struct LoggingTests {
    static let name = "乌云其其格"
    static let headName = "巴特尔朝鲁"
    static let phone = "13812345678"
    static let householdPhone = "15947001234"
    static let first17 = "15222319850314402"

    static var idNumber: String { first17 + String(ResidentIDNumber.checkCharacter(for: first17)!) }

    /// The secrets, and parts of them long enough to identify someone.
    static var secrets: [String] { [name, headName, phone, householdPhone, idNumber, first17, "12345678", "19850314"] }

    static func leaks(in recorder: LogRecorder) -> [String] {
        recorder.entries.filter { $0.level >= .info }.flatMap { entry in
            secrets.filter { entry.text.contains($0) }.map { "\(entry.level) \(entry.message): \($0)" }
        }
    }

    @Test func anExchangeWritingAResidentLogsNoPersonalData() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let recorder = LogRecorder()
        try await fixture.application(logger: recorder.logger).test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            var reader = try await fixture.enroll(grid: "c-1-1")
            let household = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: fixture.clock.now))
            agent.write(
                .create([
                    "gridId": .string("c-1-1-1-1"), "address": .string("一组7号"), "headName": .string(Self.headName),
                    "phone": .string(Self.householdPhone),
                ]),
                to: household
            )
            let resident = agent.addResident(
                name: Self.name,
                ["idNumber": .string(Self.idNumber), "householdId": .string(household.id)]
            )
            agent.write(.add(field: "phones", element: Self.phone), to: resident)
            try await client.sync(&agent)
            try await client.sync(&reader)
            _ = try await client.snapshotPages(token: reader.token)
            #expect(reader.replica.records[resident]?.elements(of: "phones") == [Self.phone], "the data did travel")
        }
        #expect(recorder.entries.contains { $0.message == "sync exchange" }, "the exchange was logged")
        #expect(Self.leaks(in: recorder).isEmpty)
    }

    @Test func aRefusedResidentLogsNoPersonalData() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let recorder = LogRecorder()
        try await fixture.application(logger: recorder.logger).test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            let wrong: Character = Self.idNumber.last == "1" ? "2" : "1"
            let resident = agent.addResident(name: Self.name, ["idNumber": .string(Self.first17 + String(wrong))])
            agent.write(.add(field: "phones", element: Self.phone), to: resident)
            try await client.expectRefusal(.invalidValue, .unprocessableContent, for: agent, fixture: fixture)
            // And one the decoder refuses, with the personal data inside the bad operation.
            let body = Wire.gzipJSON(agent.request(), replacing: [#""kind":"create""#: #""kind":"enroll""#])
            try await client.expectRefusal(.unknownKind, .badRequest, token: agent.token, body: body, fixture: fixture)
        }
        #expect(recorder.entries.contains { $0.message == "request refused" }, "the refusals were logged")
        #expect(Self.leaks(in: recorder).isEmpty)
    }

    @Test func theAuditTrailHoldsNoPersonalData() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            let resident = agent.addResident(name: Self.name, ["idNumber": .string(Self.idNumber)])
            agent.write(.add(field: "phones", element: Self.phone), to: resident)
            try await client.sync(&agent)
            let audit = try await fixture.database.auditTrail().map {
                "\($0.actor) \($0.action) \($0.subject ?? "") \($0.detail ?? "")"
            }
            #expect(audit.contains { $0.contains("push") }, "the push is in the audit trail")
            #expect(audit.allSatisfy { row in !Self.secrets.contains { row.contains($0) } })
        }
    }
}
