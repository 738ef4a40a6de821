import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncAgent
import Shared

/// Bytes on the wire per single-field operation in an evening exchange: the gzip body the agent
/// sends for a batch of single-field edits of different households, divided by the batch size.
struct WireBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wire",
        abstract: "Compressed request bytes per single-field operation in one exchange."
    )

    @Option(help: "Operations in the exchange.") var operations = 30
    @Option(help: "Append the result to this Markdown file.") var record: String?

    func run() async throws {
        var generator = SplitMix64(seed: 42)
        let now: UInt64 = 1_795_900_000_000
        // A county-sized replica id and counter, and households last touched by the server and
        // another agent: contexts as they look in a real evening.
        let replica = ReplicaID(2417)
        let fields: [(String, FieldValue)] = [
            ("phone", .string("13800138000")), ("note", .string("已核实，户主外出务工")),
            ("status", .string("active")), ("verifiedAt", .string("2026-11-29")),
            ("residenceType", .string("rented")),
        ]
        let batch = (0..<operations).map { index in
            SyncOperation(
                dot: Dot(replica: replica, counter: 1_200 + UInt64(index)),
                context: VersionVector([.server: 2, ReplicaID(UInt32(1 + index % 7)): 3, replica: 1_100]),
                hlc: HLCTimestamp(wallMilliseconds: now + UInt64(index) * 61_000),
                type: .household,
                id: RecordID.make(nowMilliseconds: now - 86_400_000 * 30, using: &generator),
                payload: .set([fields[index % fields.count].0: fields[index % fields.count].1])
            )
        }
        let request = SyncRequest(batchId: "2417-1229-88123", cursor: 88_123, operations: batch)
        let json = CanonicalJSON.encode(request)
        let gzip = Gzip.compress(json)
        let result = BenchmarkResult(
            name: "wire (agent exchange bytes)",
            figures: [
                ("operations in the exchange", "\(operations) single-field sets of different households"),
                ("request body, JSON", "\(json.count) bytes (\(json.count / operations) per operation)"),
                ("request body, gzip (sent)", "\(gzip.count) bytes"),
                ("bytes per operation on the wire (target ≤ 80)", "\(gzip.count / operations)"),
            ]
        )
        print(result.text)
        if let record { try result.append(to: record) }
    }
}
