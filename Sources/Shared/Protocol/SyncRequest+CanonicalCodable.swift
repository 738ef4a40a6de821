/// `{"batchId","cursor","operations","protocolVersion","recovered","store"}`; `recovered` and
/// `store` are left out when nil (an agent's first exchange, an agent of an older release).
extension SyncRequest: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in
            writer.field("batchId", batchId)
            writer.field("cursor", cursor)
            writer.field("operations", operations)
            writer.field("protocolVersion", protocolVersion)
            writer.field("recovered", ifPresent: recovered)
            writer.field("store", ifPresent: store)
        }
    }

    /// Each key at most once; the batch id must keep ``WireLimits/isValidBatchId(_:)``.
    public init(from reader: inout CanonicalReader) throws {
        try self.init(from: &reader) { try SyncOperation(from: &$0) }
    }

    /// The same, each operation read with `operation` (``ReceivedSyncRequest`` keeps its bytes).
    init(from reader: inout CanonicalReader, operation: (inout CanonicalReader) throws -> SyncOperation) throws {
        var version: Int?
        var batchId: String?
        var cursor: UInt64?
        var operations: [SyncOperation]?
        var store: StoreEpoch?
        var recovered: StoreRecovery?
        var seen: [String] = []
        try reader.object { reader, key in
            guard !seen.contains(key) else { throw reader.duplicate(key) }
            seen.append(key)
            switch key {
            case "protocolVersion": version = Int(try reader.counter("protocolVersion", in: 0...1_000_000))
            case "batchId":
                let text = try reader.string()
                guard WireLimits.isValidBatchId(text) else {
                    throw ModelError.invalid(
                        LocalizedText(
                            "A batchId is 1 to \(WireLimits.maxBatchIdLength) characters of letters, digits, '.', '_', ':' or '-'.",
                            zh: "batchId 必须是1到\(WireLimits.maxBatchIdLength)个字母、数字、“.”、“_”、“:”或“-”。"
                        )
                    )
                }
                batchId = text
            case "cursor": cursor = try reader.counter("cursor")
            case "operations": operations = try reader.array(operation)
            case "store": store = try reader.optional(StoreEpoch.self)
            case "recovered": recovered = try reader.optional(StoreRecovery.self)
            default: try reader.skipValue()
            }
        }
        guard let version else { throw reader.missing("protocolVersion") }
        guard let batchId else { throw reader.missing("batchId") }
        guard let cursor else { throw reader.missing("cursor") }
        guard let operations else { throw reader.missing("operations") }
        self.init(
            protocolVersion: version,
            batchId: batchId,
            cursor: cursor,
            operations: operations,
            store: store,
            recovered: recovered
        )
    }
}
