/// A register field with concurrent values, kept for a person to review.
///
/// Nothing is lost under a conflict: every sibling stays with its author and time, everyone sees
/// the same visible value, and the next write whose context covers all siblings resolves it.
public struct Conflict: Hashable, Sendable {
    public let record: RecordKey
    public let field: String
    /// Every concurrent value, sorted by dot.
    public let values: [RegisterValue]

    /// The value shown while the conflict stands.
    public var visible: RegisterValue { values.max(by: RegisterValue.visibleOrder)! }
}
