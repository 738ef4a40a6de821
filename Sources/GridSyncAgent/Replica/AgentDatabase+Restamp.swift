import Foundation
import GRDB
import Shared

extension AgentDatabase {
    /// Re-stamps the outbox when its clock readings are ahead of the laptop's clock by more than
    /// `tolerance`: the clock ran ahead when they were written and has been set right since.
    ///
    /// The tolerance is the server's drift bound: a reading within it may already be stored (an
    /// answer lost on the way), and a stored operation sent again with another reading would look
    /// like a copied laptop's; one beyond it the server has refused.
    ///
    /// Readings the server has not acknowledged are nobody's knowledge yet, so they may change.
    /// Each new reading still orders after the agent's acknowledged one and after everything its
    /// operation's context covers (the server checks both), and the records here take the same
    /// readings, so this replica and the server agree once the outbox is stored.
    ///
    /// - Returns: how many operations were re-stamped (0 when the outbox was not ahead).
    @discardableResult
    func restampOutbox(now: UInt64, tolerance: UInt64 = HybridLogicalClock.defaultMaxDriftMilliseconds) throws -> Int {
        try writer.write { db in
            var replica = try Self.requireState(db)
            let operations = try Data.fetchAll(db, sql: "SELECT operation FROM outbox ORDER BY counter")
                .map { try CanonicalJSON.decode(SyncOperation.self, from: $0) }
            guard operations.contains(where: { $0.hlc.wallMilliseconds > now + tolerance }) else { return 0 }
            let own = Set(operations.map(\.dot))
            var clock = HybridLogicalClock(last: replica.acknowledgedHLC)
            var readings: [Dot: HLCTimestamp] = [:]
            var states: [RecordKey: RecordState] = [:]
            for operation in operations {
                let key = operation.record
                if states[key] == nil { states[key] = try Self.state(db, key) }
                if let seen = states[key]?.latestHLC(seenBy: operation.context, excluding: own) {
                    clock.advance(past: seen)
                }
                readings[operation.dot] = clock.tick(now: now)
            }
            for operation in operations {
                let restamped = SyncOperation(
                    dot: operation.dot,
                    context: operation.context,
                    hlc: readings[operation.dot]!,
                    type: operation.type,
                    id: operation.id,
                    payload: operation.payload
                )
                try db.execute(
                    sql: "UPDATE outbox SET operation = ? WHERE counter = ?",
                    arguments: [CanonicalJSON.encode(restamped), Int64(operation.dot.counter)]
                )
            }
            for var state in states.values.compactMap({ $0 }) {
                state.restamp(readings)
                try Self.store(db, state, generation: replica.generation)
            }
            replica.hlc = clock.last
            try replica.save(db)
            return operations.count
        }
    }
}
