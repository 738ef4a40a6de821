import Shared

/// Every write of a moved record's `gridId`, as ``FieldHistory`` reads them, so an edit is judged
/// by where its record stood when its author last saw it.
///
/// A record that never moved has no writes recorded: where it stands is where it was created. The
/// first move records the record's creation beside it (the live `gridId` values the move
/// replaces), so records that stay put, almost all of them, cost nothing here. The rules are here,
/// above the engines; the storage (``MergeStorage``) keeps the writes.
enum GridWrites {
    /// Records a write of `gridId` that `operation` makes to `state` (the record before it applies).
    static func record<Storage: MergeStorage>(
        _ operation: SyncOperation,
        before state: RecordState,
        _ storage: Storage
    ) throws {
        guard case .set(let fields) = operation.payload, let grid = fields["gridId"] else { return }
        if try !storage.hasGridWrites(of: state.key) {
            // What the record was created with: a creation's context is empty.
            for value in state.registers["gridId"] ?? [] {
                try storage.recordGridWrite(
                    FieldHistory.Write(dot: value.dot, hlc: value.hlc, context: VersionVector(), value: value.value),
                    of: state.key
                )
            }
        }
        let write = FieldHistory.Write(dot: operation.dot, hlc: operation.hlc, context: operation.context, value: grid)
        try storage.recordGridWrite(write, of: state.key)
    }

    /// The grid the author of an operation with `context` saw the record in; nil for a record that
    /// never moved (it stands where it was created).
    ///
    /// A context that saw none of the writes is judged by where the record was created, as one
    /// that saw no move is: a laptop that enrolled again after being copied renumbers its edits
    /// of a record that left its grid with the old identity's part of their contexts dropped.
    static func grid<Storage: MergeStorage>(
        of key: RecordKey,
        seenBy context: VersionVector,
        _ storage: Storage
    ) throws -> String? {
        let history = try storage.gridWrites(of: key)
        let seen = history.visibleValue(seenBy: context) ?? history.writes.first { $0.context.isEmpty }?.value
        return seen?.stringValue
    }
}
