import Foundation

/// `{"acknowledgedThrough","cursor","digest","hasMore","operations","serverTime","setAside","store"}`;
/// `digest`, `setAside` and `store` are left out when nil.
extension SyncResponse: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        Self.write(
            to: &writer,
            acknowledgedThrough: acknowledgedThrough,
            operations: operations,
            cursor: cursor,
            hasMore: hasMore,
            serverTime: serverTime,
            setAside: setAside,
            store: store,
            digest: digest
        )
    }

    /// The one place the keys of a sync response are written: for a ``SyncResponse`` and for the
    /// server's answer, whose `operations` are the stored canonical bytes (``RawJSON``) spliced
    /// in as they are, since decoding and encoding thousands of them again would cost more than
    /// the exchange.
    package static func write(
        to writer: inout CanonicalWriter,
        acknowledgedThrough: UInt64,
        operations: [some CanonicalEncodable],
        cursor: UInt64,
        hasMore: Bool,
        serverTime: UInt64,
        setAside: [SetAsideNotice]?,
        store: StoreEpoch?,
        digest: String?
    ) {
        writer.object { writer in
            writer.field("acknowledgedThrough", acknowledgedThrough)
            writer.field("cursor", cursor)
            writer.field("digest", ifPresent: digest)
            writer.field("hasMore", hasMore)
            writer.field("operations", operations)
            writer.field("serverTime", serverTime)
            writer.field("setAside", ifPresent: setAside)
            writer.field("store", ifPresent: store)
        }
    }

    /// Pulled operations this release cannot read (a newer kind, action or key) are kept as they
    /// came in ``unreadable`` instead of failing the whole page.
    public init(from reader: inout CanonicalReader) throws {
        var acknowledged: UInt64?
        var operations: [SyncOperation]?
        var cursor: UInt64?
        var hasMore: Bool?
        var serverTime: UInt64?
        var setAside: [SetAsideNotice]?
        var store: StoreEpoch?
        var digest: String?
        var unreadable: [Data] = []
        try reader.object { reader, key in
            switch key {
            case "acknowledgedThrough": acknowledged = try reader.counter("acknowledgedThrough")
            case "operations":
                operations = try reader.array { reader in try reader.tolerating(SyncOperation.init(from:)) }.compactMap
                {
                    switch $0 {
                    case .success(let operation): return operation
                    case .failure(let skipped):
                        unreadable.append(skipped.bytes)
                        return nil
                    }
                }
            case "cursor": cursor = try reader.counter("cursor")
            case "hasMore": hasMore = try reader.bool()
            case "serverTime": serverTime = try reader.counter("serverTime")
            case "setAside": setAside = try reader.optional([SetAsideNotice].self)
            case "digest": digest = try reader.optional(String.self)
            case "store": store = try reader.optional(StoreEpoch.self)
            default: try reader.skipValue()
            }
        }
        guard let acknowledged, let operations, let cursor, let hasMore, let serverTime else {
            throw reader.missing("acknowledgedThrough")
        }
        self.init(
            acknowledgedThrough: acknowledged,
            operations: operations,
            cursor: cursor,
            hasMore: hasMore,
            serverTime: serverTime,
            setAside: setAside,
            store: store,
            digest: digest
        )
        self.unreadable = unreadable
    }
}
