package import Foundation
package import Shared

/// A conflict as operators see it: the record, the field, and every concurrent value with its author.
package struct ConflictView: Sendable, Encodable {
    package let type: RecordType
    package let recordId: String
    package let gridId: String
    package let field: String
    let since: UInt64
    package let values: [Value]
    /// The index in `values` of the value everyone sees while the conflict stands.
    package let visible: Int

    package struct Value: Sendable, Encodable {
        package let value: FieldValue
        let replica: UInt32
        package let author: String
        package let writtenAt: HLCTimestamp
    }
}
