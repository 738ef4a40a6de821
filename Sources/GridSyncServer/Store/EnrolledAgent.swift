package import Shared

/// An agent the county enrolled: one laptop, one replica id, one grid subtree.
package struct EnrolledAgent: Sendable, Equatable {
    package let replica: ReplicaID
    package let name: String
    package let gridId: String
    let level: GridLevel
    package let enrolledAt: UInt64
    package let lastSyncAt: UInt64?
    package let cursor: UInt64
    package let acknowledgedThrough: UInt64
    package let resyncRequestedAt: UInt64?
    package let resyncReason: String?
    package let revokedAt: UInt64?
}
