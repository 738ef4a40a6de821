import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import GridSyncServer

/// `GET /health`, `GET /metrics` and `POST /v1/enroll` through the router.
@Suite struct EndpointTests {
    @Test func healthAnswersOkWithoutAToken() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let response = try await client.executeRequest(uri: "/health", method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
        }
    }

    @Test func healthIsGzippedWhenTheClientAcceptsGzip() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let response = try await client.executeRequest(
                uri: "/health",
                method: .get,
                headers: Wire.headers(token: nil, gzip: false),
                body: nil
            )
            #expect(response.status == .ok)
            #expect(response.headers[.contentEncoding] == "gzip")
            #expect(String(decoding: try Wire.body(of: response), as: UTF8.self) == #"{"status":"ok"}"#)
        }
    }

    @Test func metricsAreServedAsPrometheusText() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let response = try await client.executeRequest(uri: "/metrics", method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4")
            #expect(String(buffer: response.body).contains("# TYPE gridsync_sync_exchanges_total counter"))
        }
    }

    @Test func metricsCountAnExchange() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var agent = try await fixture.enroll(grid: "c-1-1-1-1")
            agent.addHousehold()
            try await client.sync(&agent)
            let metrics = try await Self.metrics(client)
            #expect(metrics.contains("gridsync_sync_exchanges_total 1\n"))
            #expect(metrics.contains("gridsync_sync_operations_merged_total 1\n"))
        }
    }

    @Test func metricsCountARefusalByCode() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let refused = try await client.executeRequest(
                uri: "/v1/sync",
                method: .post,
                headers: Wire.headers(token: "not-a-token"),
                body: nil
            )
            #expect(refused.status == .unauthorized)
            let metrics = try await Self.metrics(client)
            #expect(metrics.contains(#"gridsync_http_errors_total{code="unauthorized"} 1"#))
            #expect(metrics.contains("gridsync_sync_exchanges_total 0\n"), "a refusal is not an exchange")
        }
    }

    @Test func enrollReturnsTheAgentsReplicaAndGrid() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            _ = try await fixture.enroll(grid: "c-1-2")
            let (agent, token) = try await fixture.database.enroll(
                gridId: "c-1-1-1-1",
                name: "一组网格员",
                replica: nil,
                actor: "test",
                now: fixture.clock.now
            )
            let response = try await client.executeRequest(
                uri: "/v1/enroll",
                method: .post,
                headers: Wire.headers(token: token, gzip: false),
                body: nil
            )
            #expect(response.status == .ok)
            let answer = try Wire.decode(EnrollResponse.self, from: response)
            #expect(
                answer
                    == EnrollResponse(
                        replica: agent.replica,
                        gridId: "c-1-1-1-1",
                        agentName: "一组网格员",
                        serverTime: fixture.clock.now
                    )
            )
            #expect(answer.replica == ReplicaID(2), "replicas are numbered in enrollment order")
            #expect(answer.protocolVersion == 1)
        }
    }

    @Test func enrollWorksWhileTheInitialSnapshotIsPending() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let agent = try await fixture.enroll(grid: "c-1-2", snapshotTaken: false)
            let response = try await client.executeRequest(
                uri: "/v1/enroll",
                method: .post,
                headers: Wire.headers(token: agent.token, gzip: false),
                body: nil
            )
            #expect(response.status == .ok)
            #expect(
                try await fixture.stored(agent).resyncRequestedAt != nil,
                "enrolling does not count as taking the snapshot"
            )
        }
    }

    @Test func enrollRefusesUnknownAndRevokedTokens() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let agent = try await fixture.enroll(grid: "c-1-2")
            try await fixture.database.revoke(agent.id, reason: "laptop stolen", actor: "test", now: fixture.clock.now)
            for token in [agent.token, "unknown", nil] {
                let response = try await client.executeRequest(
                    uri: "/v1/enroll",
                    method: .post,
                    headers: Wire.headers(token: token, gzip: false),
                    body: nil
                )
                #expect(response.status == .unauthorized)
                #expect(try Wire.decode(ErrorBody.self, from: response).code == .unauthorized)
            }
        }
    }

    @Test func anUnknownPathIsNotFound() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let response = try await client.executeRequest(uri: "/v2/sync", method: .post, headers: [:], body: nil)
            #expect(response.status == .notFound)
            #expect(try Wire.decode(ErrorBody.self, from: response).code == .notFound, "every error has an ErrorBody")
        }
    }

    /// Found by Schemathesis (scripts/schemathesis.sh): a known path asked with another method
    /// answered a bare 404, as if the path did not exist.
    @Test func aKnownPathAskedWithAnotherMethodIsMethodNotAllowedWithAllow() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let agent = try await fixture.enroll(grid: "c-1-1-1-1")
        try await fixture.application().test(.router) { client in
            let methods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch, .options, .trace]
            for (path, allowed) in servedEndpoints {
                for method in methods where !allowed.contains(method) {
                    for uri in [path, path + "/"] {
                        let response = try await client.executeRequest(
                            uri: uri,
                            method: method,
                            headers: Wire.headers(token: agent.token, gzip: false),
                            body: nil
                        )
                        #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                        #expect(response.headers[.allow] == allowed.map(\.rawValue).joined(separator: ", "))
                        #expect(try Wire.decode(ErrorBody.self, from: response).code == .notFound)
                    }
                }
                let head = try await client.executeRequest(uri: path, method: .head, headers: [:], body: nil)
                #expect(head.status == .methodNotAllowed, "HEAD \(path)")
                #expect(head.body.readableBytes == 0, "a HEAD answer has no body")
                // The methods it names are the ones served.
                for method in allowed {
                    let served = try await client.executeRequest(
                        uri: path,
                        method: method,
                        headers: Wire.headers(token: agent.token, gzip: false),
                        body: nil
                    )
                    #expect(![.notFound, .methodNotAllowed].contains(served.status), "\(method) \(path)")
                }
            }
        }
    }

    static func metrics(_ client: some TestClientProtocol) async throws -> String {
        let response = try await client.executeRequest(uri: "/metrics", method: .get, headers: [:], body: nil)
        return String(buffer: response.body)
    }
}
