import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// The same endpoints over a real socket: a running daemon on an ephemeral port.
@Suite struct LiveServerTests {
    @Test func twoAgentsSyncThroughARunningServer() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.live) { client in
            let health = try await client.executeRequest(uri: "/health", method: .get, headers: [:], body: nil)
            #expect(health.status == .ok)

            var reporter = try await fixture.enroll(grid: "c-1-1-1-1")
            var township = try await fixture.enroll(grid: "c-1")
            let household = reporter.addHousehold()
            let incident = reporter.reportIncident()
            let answer = try await client.sync(&reporter)
            #expect(answer.acknowledgedThrough == 2)
            #expect(answer.operations.count == 1, "the registration comes back in the same round trip")
            try await client.syncFully(&township)
            #expect(township.replica.records[household] == reporter.replica.records[household])
            #expect(township.replica.records[incident] == reporter.replica.records[incident])

            let metrics = try await client.executeRequest(uri: "/metrics", method: .get, headers: [:], body: nil)
            #expect(String(buffer: metrics.body).contains("gridsync_sync_exchanges_total 2\n"))
        }
    }

    @Test func aRunningServerRefusesAGzipBombAndKeepsServing() async throws {
        let fixture = try await ServerFixture { $0.maxInflatedBytes = 1 << 20 }
        defer { fixture.remove() }
        try await fixture.application().test(.live) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            try await client.expectRefusal(
                .payloadTooLarge,
                .contentTooLarge,
                token: agent.token,
                body: ByteBuffer(bytes: RefusalTests.gzipBomb),
                fixture: fixture
            )
            agent.addHousehold()
            #expect(try await client.sync(&agent).acknowledgedThrough == 1, "the next request is served")
        }
    }
}
