import Foundation
import Testing

@testable import Shared

/// The golden vectors in `protocol/vectors/` pin the wire format and the merge for every client.
@Suite struct ProtocolVectorTests {
    static let vectors = PackageRoot.url.appendingPathComponent("protocol/vectors")

    static func files(in folder: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(
            at: vectors.appendingPathComponent(folder),
            includingPropertiesForKeys: nil
        ).filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
    }

    /// Decodes a message as the type its file name says, and re-encodes it canonically.
    static func reencode(_ url: URL) throws -> Data {
        let data = try Data(contentsOf: url)
        let name = url.deletingPathExtension().lastPathComponent
        func roundTrip<Message: CanonicalCodable>(_ type: Message.Type) throws -> Data {
            CanonicalJSON.encode(try CanonicalJSON.decode(type, from: data))
        }
        switch name {
        case _ where name.hasPrefix("operation-"): return try roundTrip(SyncOperation.self)
        case "sync-request": return try roundTrip(SyncRequest.self)
        case "sync-response": return try roundTrip(SyncResponse.self)
        case "snapshot-page": return try roundTrip(SnapshotPage.self)
        case "enroll-response": return try roundTrip(EnrollResponse.self)
        case "error-body": return try roundTrip(ErrorBody.self)
        default: throw VectorError(file: name)
        }
    }

    struct VectorError: Error { let file: String }

    @Test func everyMessageReencodesToIdenticalBytes() throws {
        let files = try Self.files(in: "messages")
        #expect(files.count >= 12)
        for file in files {
            let original = try Data(contentsOf: file)
            let reencoded = try Self.reencode(file) + Data("\n".utf8)
            #expect(
                reencoded == original,
                "\(file.lastPathComponent) re-encodes as \(String(decoding: reencoded, as: UTF8.self))"
            )
        }
    }

    @Test func everyOperationVectorIsValid() throws {
        for file in try Self.files(in: "messages") where file.lastPathComponent.hasPrefix("operation-") {
            let operation = try CanonicalJSON.decode(SyncOperation.self, from: Data(contentsOf: file))
            try operation.validate()
        }
    }

    struct MergeCase: CanonicalDecodable {
        let description: String
        let operations: [SyncOperation]
        let deliveries: [[Int]]
        let expected: [RecordState]

        init(from reader: inout CanonicalReader) throws {
            var description: String?
            var operations: [SyncOperation]?
            var deliveries: [[Int]]?
            var expected: [RecordState]?
            try reader.object { reader, key in
                switch key {
                case "description": description = try reader.string()
                case "operations": operations = try reader.read()
                case "deliveries": deliveries = try reader.array { try $0.array { try $0.integer(Int.self) } }
                case "expected": expected = try reader.read()
                default: try reader.skipValue()
                }
            }
            guard let description, let operations, let deliveries, let expected else {
                throw reader.missing("a merge case's description, operations, deliveries and expected")
            }
            self.description = description
            self.operations = operations
            self.deliveries = deliveries
            self.expected = expected
        }
    }

    @Test func everyMergeCaseReachesItsExpectedStateInEveryDeliveryOrder() throws {
        let files = try Self.files(in: "merges")
        #expect(files.count >= 6)
        for file in files {
            let mergeCase = try CanonicalJSON.decode(MergeCase.self, from: Data(contentsOf: file))
            let expected = CanonicalJSON.encode(mergeCase.expected)
            var orders = mergeCase.deliveries
            orders.append(contentsOf: permutations(of: Array(mergeCase.operations.indices)))
            for order in orders {
                var replica = InMemoryReplica(replica: ReplicaID(99))
                for index in order { replica.receive(mergeCase.operations[index]) }
                let merged = CanonicalJSON.encode(replica.canonicalRecords)
                #expect(merged == expected, "\(file.lastPathComponent) in order \(order)")
            }
        }
    }

    @Test func mergeCasesShowWhatTheyDescribe() throws {
        func expected(_ name: String) throws -> [RecordState] {
            let url = Self.vectors.appendingPathComponent("merges/\(name).json")
            return try CanonicalJSON.decode(MergeCase.self, from: Data(contentsOf: url)).expected
        }
        let conflict = try #require(try expected("concurrent-same-field").first)
        #expect(conflict.conflicts.map(\.field) == ["phone"])
        #expect(conflict.visibleValue(of: "phone") == .string("13900000002"))
        #expect(try expected("concurrent-different-fields").first?.conflicts.isEmpty == true)
        #expect(try expected("covering-write-resolves").first?.registers["phone"]?.count == 1)
        #expect(try expected("add-wins-set").first?.elements(of: "tags") == ["subsistenceAllowance"])
        #expect(try expected("tombstone-beside-edit").first?.isDeleted == true)
        let incidentRecord = try #require(try expected("incident-concurrent-steps").first)
        let incident = try #require(IncidentState(record: incidentRecord))
        #expect(incident.status == .closed)
        #expect(incident.registryNumber == "FM-20251129-000042")
        #expect(incident.history.map(\.accepted) == [true, true, false])
    }

    private func permutations(of items: [Int]) -> [[Int]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index in
            var rest = items
            let first = rest.remove(at: index)
            return permutations(of: rest).map { [first] + $0 }
        }
    }
}
