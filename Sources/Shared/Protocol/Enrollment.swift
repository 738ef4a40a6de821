/// The server's answer to `POST /v1/enroll`: who the agent is from now on.
///
/// An operator enrolls an agent on the server (`sync-server agents enroll --grid ID`), which prints
/// its bearer token once; the agent presents the token here, learns its replica id and grid, and
/// keeps the token as its credential for every later request.
public struct EnrollResponse: Hashable, Sendable {
    public var protocolVersion: Int
    /// The agent's compact replica id; its operations' dots carry it.
    public var replica: ReplicaID
    /// The grid node whose subtree the agent replicates.
    public var gridId: String
    public var agentName: String
    public var serverTime: UInt64

    public init(
        replica: ReplicaID,
        gridId: String,
        agentName: String,
        serverTime: UInt64,
        protocolVersion: Int = ProtocolVersion.current
    ) {
        self.protocolVersion = protocolVersion
        self.replica = replica
        self.gridId = gridId
        self.agentName = agentName
        self.serverTime = serverTime
    }
}
