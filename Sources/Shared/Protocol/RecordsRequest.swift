/// Asks the server for the current state of some records of the agent's scope
/// (`POST /v1/records`): after an operation was set aside, the agent rebuilds the records it
/// touched from the server's state and its own later edits.
public struct RecordsRequest: Hashable, Sendable, Codable {
    /// The most records one request may ask for.
    public static let maxKeys = 1_000

    /// Records named `type/id`, as in page tokens (`household/0193a5c2-…`).
    public var keys: [String]

    public init(keys: [String]) { self.keys = keys }
}

/// The server's answer: the states of the asked records that exist in the agent's scope.
public struct RecordsResponse: Hashable, Sendable, Codable {
    public var records: [RecordState]

    public init(records: [RecordState]) { self.records = records }
}

extension RecordsRequest: CanonicalJSONReadable {
    static func read(from reader: inout CanonicalReader) throws -> RecordsRequest {
        var keys: [String]?
        try reader.object { reader, key in
            switch key {
            case "keys": keys = try reader.array(limit: maxKeys) { try $0.string() }
            default: try reader.skipValue()
            }
        }
        guard let keys else { throw reader.missing("keys") }
        return RecordsRequest(keys: keys)
    }
}

extension RecordsResponse: CanonicalJSONReadable {
    static func read(from reader: inout CanonicalReader) throws -> RecordsResponse {
        var records: [RecordState]?
        try reader.object { reader, key in
            switch key {
            case "records": records = try reader.array(RecordState.read)
            default: try reader.skipValue()
            }
        }
        guard let records else { throw reader.missing("records") }
        return RecordsResponse(records: records)
    }
}
