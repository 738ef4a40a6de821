package import Foundation
package import Shared

/// One laptop's report on a store restored from an older backup (``StoreRecovery``).
package struct RecoveryEntry: Sendable, Encodable {
    package let replica: UInt32
    package let name: String
    package let gridId: String
    package let resent: UInt64
    package let lost: UInt64
    package let at: UInt64
}

/// What the operator learns after restoring a backup: which laptops have sent again what the
/// store lost, how much, and how much no laptop kept any more.
package struct RecoveryReport: Sendable, Encodable {
    /// The epoch the store presents since the restore.
    let generation: UInt64
    package let agents: [RecoveryEntry]
    /// Enrolled, not revoked agents that have not synced since the first report (nil before one).
    package let notSyncedSince: Int?

    package var resent: UInt64 { agents.reduce(0) { $0 + $1.resent } }
    package var lost: UInt64 { agents.reduce(0) { $0 + $1.lost } }
}
