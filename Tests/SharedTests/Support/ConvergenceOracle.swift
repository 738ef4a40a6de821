@testable import Shared

/// What the merged state must hold, computed from the whole operation log at once.
///
/// The merge works incrementally, one operation at a time in whatever order they arrive; the
/// oracle looks at all operations together and uses only the definition: a value survives unless
/// some other write to the same field saw it (its context covers the value's dot).
enum ConvergenceOracle {
    /// The dots that must remain as siblings of each register field of each record.
    static func expectedSiblings(in log: [SyncOperation]) -> [RecordKey: [String: Set<Dot>]] {
        var writes: [RecordKey: [String: [SyncOperation]]] = [:]
        for operation in log {
            for field in writtenFields(of: operation) {
                writes[operation.record, default: [:]][field, default: []].append(operation)
            }
        }
        return writes.mapValues { byField in
            byField.mapValues { operations in
                Set(
                    operations.filter { candidate in
                        !operations.contains { $0.dot != candidate.dot && $0.context.covers(candidate.dot) }
                    }.map(\.dot)
                )
            }
        }
    }

    /// The add dots that must remain in each set field: adds that no later add or remove of the same element saw.
    static func expectedSetEntries(in log: [SyncOperation]) -> [RecordKey: [String: Set<SetEntry>]] {
        var result: [RecordKey: [String: Set<SetEntry>]] = [:]
        for operation in log {
            guard case .add(let field, let element) = operation.payload else { continue }
            let seen = log.contains { other in
                guard other.record == operation.record, other.dot != operation.dot else { return false }
                switch other.payload {
                case .add(field, element), .remove(field, element): return other.context.covers(operation.dot)
                default: return false
                }
            }
            if !seen {
                result[operation.record, default: [:]][field, default: []].insert(
                    SetEntry(element: element, dot: operation.dot)
                )
            }
        }
        return result
    }

    private static func writtenFields(of operation: SyncOperation) -> [String] {
        switch operation.payload {
        case .create(let fields), .set(let fields), .log(let fields): Array(fields.keys)
        case .tombstone: [RecordSchema.deletedField]
        default: []
        }
    }
}
