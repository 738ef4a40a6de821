internal import Crypto
public import Foundation
public import Shared

/// The hash behind ``ScopeDigest``, in a target of its own so that `Shared` needs nothing but
/// Foundation and zlib: both tools link it, so the server and the agent hash alike.
extension ScopeDigest {
    /// The contribution of one record: the first 8 bytes of the SHA-256 of its state's canonical
    /// JSON, which names the record (`type`, `id`) as well as holding everything in it.
    public static func of(state: Data) -> UInt64 {
        SHA256.hash(data: state).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
