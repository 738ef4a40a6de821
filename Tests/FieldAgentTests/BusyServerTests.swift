import Foundation
import GridSyncTestSupport
import Shared
import Testing

@testable import GridSyncAgent

/// A busy county server asks laptops to come back later (`503 server_busy`, `429
/// too_many_requests`, with `Retry-After`): the agent waits at least that long, then sends again.
@Suite struct BusyServerTests {
    static let enrolled =
        #"{"agentName":"一组网格员","gridId":"c-1-1-1-1","protocolVersion":1,"replica":7,"serverTime":1764374400000}"#

    @Test(arguments: [("503 Service Unavailable", "server_busy"), ("429 Too Many Requests", "too_many_requests")])
    func theAgentWaitsWhatTheServerAsksThenRetries(status: String, code: String) throws {
        let busy = #"{"code":"\#(code)","message":"busy","messageZh":"忙"}"#
        let server = try ScriptedHTTPServer(answers: [
            ScriptedHTTPServer.answer(status: status, headers: ["Retry-After: 2"], json: busy),
            ScriptedHTTPServer.answer(status: "200 OK", json: Self.enrolled),
        ])
        let client = ServerClient(
            baseURL: "http://127.0.0.1:\(server.port)",
            token: "gs_test",
            settings: TransportSettings(),
            retry: RetryPolicy(attempts: 3, baseDelay: 0.01)
        )
        let start = Date()
        let answer = try client.enroll()
        #expect(answer.replica == ReplicaID(7))
        #expect(client.requests == 2)
        #expect(Date().timeIntervalSince(start) >= 2, "the agent waited the two seconds it was asked to")
    }
}
