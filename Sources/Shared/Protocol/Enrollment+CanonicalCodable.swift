/// `{"agentName","gridId","protocolVersion","replica","serverTime"}`, every key required.
extension EnrollResponse: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in
            writer.field("agentName", agentName)
            writer.field("gridId", gridId)
            writer.field("protocolVersion", protocolVersion)
            writer.field("replica", replica)
            writer.field("serverTime", serverTime)
        }
    }

    public init(from reader: inout CanonicalReader) throws {
        var version: Int?
        var replica: ReplicaID?
        var gridId: String?
        var agentName: String?
        var serverTime: UInt64?
        try reader.object { reader, key in
            switch key {
            case "protocolVersion": version = Int(try reader.counter("protocolVersion", in: 0...1_000_000))
            case "replica": replica = try reader.read()
            case "gridId": gridId = try reader.string()
            case "agentName": agentName = try reader.string()
            case "serverTime": serverTime = try reader.counter("serverTime")
            default: try reader.skipValue()
            }
        }
        guard let version else { throw reader.missing("protocolVersion") }
        guard let replica else { throw reader.missing("replica") }
        guard let gridId else { throw reader.missing("gridId") }
        guard let agentName else { throw reader.missing("agentName") }
        guard let serverTime else { throw reader.missing("serverTime") }
        self.init(
            replica: replica,
            gridId: gridId,
            agentName: agentName,
            serverTime: serverTime,
            protocolVersion: version
        )
    }
}
