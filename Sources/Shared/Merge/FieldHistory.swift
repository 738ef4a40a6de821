/// Every write of one register field of a record, where ``RecordState`` keeps only the values
/// nothing has replaced yet: what the author of an operation saw of the field can be read back
/// from it whatever order the writes reached the store in.
///
/// The server judges scope by it (where a household stood when its worker edited it offline).
/// The live values alone cannot answer that once a later move replaced the one the author saw,
/// and the order in which moves arrived cannot either: after a restore from an older backup,
/// laptops send their moves again in another order than the first time.
public struct FieldHistory: Sendable {
    /// One write of the field: its operation's dot, reading and context, and the value written.
    public struct Write: Hashable, Sendable {
        public let dot: Dot
        public let hlc: HLCTimestamp
        /// What the write's author had seen; the writes it covers are the ones this write replaced.
        public let context: VersionVector
        public let value: FieldValue

        public init(dot: Dot, hlc: HLCTimestamp, context: VersionVector, value: FieldValue) {
            self.dot = dot
            self.hlc = hlc
            self.context = context
            self.value = value
        }
    }

    public let writes: [Write]

    public init(_ writes: [Write]) {
        self.writes = writes
    }

    /// The value the author of an operation with `context` saw: among the writes `context` covers,
    /// those no other covered write replaced, in the visible order of live values (greatest HLC,
    /// then greatest replica id). Nil when `context` covers no write of the field.
    public func visibleValue(seenBy context: VersionVector) -> FieldValue? {
        let seen = writes.filter { context.covers($0.dot) }
        return
            seen
            .filter { write in !seen.contains { $0.dot != write.dot && $0.context.covers(write.dot) } }
            .map { RegisterValue(dot: $0.dot, hlc: $0.hlc, value: $0.value) }
            .max(by: RegisterValue.visibleOrder)?.value
    }
}
