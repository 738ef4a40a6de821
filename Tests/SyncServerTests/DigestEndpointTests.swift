import Foundation
import Hummingbird
import HummingbirdTesting
import RecordDigest
import Shared
import Testing

@testable import GridSyncServer

/// The server's side of verification: the digest on an exchange's last page is the XOR of its
/// grids' digests, each of which is that of the records stored there; a grid's records come back
/// a page at a time, and only inside the agent's subtree.
@Suite struct DigestEndpointTests {
    @Test func theExchangeDigestIsThatOfTheSubtreesRecordsAndEachGridServesItsOwn() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var area = try await fixture.enroll(grid: "c-1-1-1")
            var neighbour = try await fixture.enroll(grid: "c-1-2-1-1")
            for index in 0..<3 { area.addHousehold(in: "c-1-1-1-1", address: "一组\(index)号") }
            let other = area.addHousehold(in: "c-1-1-1-2")
            neighbour.addHousehold()
            try await client.sync(&neighbour)
            let answer = try await client.sync(&area)
            let digest = try #require(answer.digest.flatMap(ScopeDigest.init(text:)))

            var byGrid: [String: ScopeDigest] = [:]
            for grid in ["c-1-1-1-1", "c-1-1-1-2"] {
                var after: String?
                repeat {
                    let page = try await client.records(token: area.token, RecordsRequest(grid: grid, after: after))
                    for state in page.records {
                        byGrid[grid, default: ScopeDigest()].toggle(
                            ScopeDigest.of(state: CanonicalJSON.encode(state))
                        )
                    }
                    after = page.nextAfter
                } while after != nil
            }
            #expect(ScopeDigest(combining: byGrid.values) == digest)
            let listed = try await client.gridDigests(token: area.token)
            #expect(listed == byGrid.map { GridDigest(id: $0.key, digest: $0.value) }.sorted { $0.id < $1.id })
            #expect(!listed.contains { $0.id == "c-1-2-1-1" }, "another village's grid is not in the list")

            // An edit moves the grid's digest, and the next last page carries the new one.
            area.write(.set(["note": .string("新")]), to: other)
            let next = try await client.sync(&area)
            #expect(next.digest != answer.digest)

            let outside = try await client.recordsResponse(
                token: area.token,
                RecordsRequest(grid: "c-1-2-1-1", after: nil)
            )
            #expect(outside.status == .forbidden)
            let unknown = try await client.recordsResponse(
                token: area.token,
                RecordsRequest(grid: "no such/grid", after: nil)
            )
            #expect(unknown.status == .badRequest)
        }
    }
}

extension TestClientProtocol {
    func recordsResponse(token: String, _ request: RecordsRequest) async throws -> TestResponse {
        try await executeRequest(
            uri: "/v1/records",
            method: .post,
            headers: Wire.headers(token: token),
            body: Wire.gzipJSON(request)
        )
    }

    func records(token: String, _ request: RecordsRequest) async throws -> RecordsResponse {
        let response = try await recordsResponse(token: token, request)
        try #require(response.status == .ok)
        return try Wire.decode(RecordsResponse.self, from: response)
    }

    func gridDigests(token: String) async throws -> [GridDigest] {
        let response = try await executeRequest(
            uri: "/v1/digest",
            method: .get,
            headers: Wire.headers(token: token, gzip: false),
            body: nil
        )
        try #require(response.status == .ok)
        return try Wire.decode(DigestResponse.self, from: response).grids
    }
}
