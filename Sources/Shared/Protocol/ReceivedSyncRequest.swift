package import Foundation

/// A sync request as the server receives it, with each operation's canonical JSON as the log
/// stores it: the bytes that arrived when they are canonical already (an agent writes them so),
/// written again only when they are not.
///
/// Encoding every operation of every request again was a twentieth of an exchange's cost.
package struct ReceivedSyncRequest: CanonicalDecodable, Sendable {
    package let request: SyncRequest
    /// One per operation, in order.
    package let bodies: [Data]

    package init(from reader: inout CanonicalReader) throws {
        var bodies: [Data] = []
        request = try SyncRequest(from: &reader) { reader in
            let (operation, body) = try reader.canonical(SyncOperation.self)
            bodies.append(body)
            return operation
        }
        self.bodies = bodies
    }

    /// A request made in memory rather than received (benchmarks, tests): each operation
    /// encoded, as an agent sends it.
    package init(_ request: SyncRequest) {
        self.request = request
        bodies = request.operations.map { CanonicalJSON.encode($0) }
    }
}
