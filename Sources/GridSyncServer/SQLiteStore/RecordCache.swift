import Shared
import Synchronization

/// Decoded record states, kept between exchanges so the merge does not decode the same JSON again.
///
/// An entry is only used while the record's row still carries the `seq` it was cached with, so a
/// write from another process (an operator resolving a conflict) is never missed. Entries are
/// filled after a transaction commits, never inside it, so a refused batch leaves nothing behind.
final class RecordCache: Sendable {
    private let entries = Mutex<[RecordKey: (seq: Int64, state: RecordState)]>([:])
    private let capacity: Int

    init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    func state(of key: RecordKey, seq: Int64) -> RecordState? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.seq == seq else { return nil }
            return entry.state
        }
    }

    func store(_ states: [SavedRecord]) {
        entries.withLock { entries in
            // Crude but bounded: start again when full; the hot set refills within an evening.
            if entries.count + states.count > capacity { entries.removeAll(keepingCapacity: true) }
            for (key, seq, state) in states { entries[key] = (seq, state) }
        }
    }
}
