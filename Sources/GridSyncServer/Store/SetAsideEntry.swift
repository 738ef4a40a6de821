package import Foundation
package import Shared

/// An operation an agent sent that the server acknowledged as set aside, for the operator.
package struct SetAsideEntry: Sendable, Encodable {
    package let id: Int64
    package let replica: UInt32
    package let counter: UInt64
    package let type: RecordType
    package let recordId: String
    package let kind: String
    let code: String
    package let message: String
    package let messageZh: String
    package let at: UInt64
    /// `pending`, `applied` or `discarded`.
    package let status: String
    let decidedBy: String?
    let reason: String?
}
