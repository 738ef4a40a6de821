import Foundation
import GRDB
package import Shared

extension AgentDatabase {
    /// Authors the changes of one command on one record: checks each, applies it to the record
    /// and queues it in the outbox, all in one transaction, so a command's edit is either wholly
    /// kept (states and operations) or not made at all.
    ///
    /// - Throws: ``ModelError`` or ``AgentError`` in one sentence when a change is refused; the
    ///   replica is then unchanged.
    @discardableResult
    package func author(_ payloads: [SyncOperation.Payload], on key: RecordKey, now: UInt64) throws -> [SyncOperation] {
        try transaction { store in
            let replica = store.state
            let db = store.db
            // The engine builds each operation (ReplicaEngine.author): after a restore from an
            // older backup, see ``finishSnapshot(cursor:)``, it follows this laptop's own edits of
            // the record that wait for another laptop's, and waits with them.
            return try ReplicaEngine.author(payloads, on: key, now: now, in: &store) { operation, existing in
                try Self.checkScope(of: operation.payload, on: key, existing: existing, replica: replica, db: db)
                try operation.validate()
            }
        }
    }

    /// A new record must be created in the agent's area; a change needs the record here, not
    /// removed and still in the area; a move must stay in the area.
    private static func checkScope(
        of payload: SyncOperation.Payload,
        on key: RecordKey,
        existing: RecordState?,
        replica: ReplicaState,
        db: Database
    ) throws {
        let tree = try gridTree(db)
        switch payload {
        case .create(let fields), .log(let fields):
            guard existing == nil else { throw AgentError.alreadyExists(key) }
            if let grid = fields["gridId"]?.stringValue {
                try tree.checkPlacement(of: key.type, in: grid, scopeRoot: replica.gridId)
            }
            try checkHousehold(named: fields, of: key, replica: replica, tree: tree, db: db)
        case .event(let event):
            // An incident here came from the server in this agent's scope: its subtree, or sent
            // to its node from elsewhere (a department's work). The server checks which.
            guard let existing else { throw AgentError.noSuchRecord(key) }
            if existing.isDeleted { throw AgentError.removed(key) }
            // A step the lifecycle does not allow now is refused here; one that meets a
            // concurrent step from another level is still kept, marked, by the merge.
            if let incident = IncidentState(record: existing) {
                guard IncidentStateMachine.next(after: event.action, in: incident.status) != nil else {
                    throw AgentError.stepNotAllowed(event.action, status: incident.status)
                }
                // A target the county does not have would make the server refuse the whole outbox.
                if let target = event.target, tree[target] == nil { throw AgentError.unknownNode(target) }
                // The server checks the same table on receipt (protocol/README.md, the role table).
                try IncidentRoles.check(event, by: replica.gridId, on: incident, in: tree)
            }
        default:
            guard let existing else { throw AgentError.noSuchRecord(key) }
            if existing.isDeleted { throw AgentError.removed(key) }
            let grid = existing.visibleValue(of: "gridId")?.stringValue ?? ""
            guard tree.isWithin(grid, subtreeOf: replica.gridId) else { throw AgentError.movedAway(key, grid: grid) }
            if case .set(let fields) = payload {
                if let target = fields["gridId"]?.stringValue {
                    try tree.checkPlacement(of: key.type, in: target, scopeRoot: replica.gridId)
                }
                try checkHousehold(named: fields, of: key, replica: replica, tree: tree, db: db)
            }
        }
    }

    /// A resident's household must be one this laptop holds, in its area (the server checks the same).
    private static func checkHousehold(
        named fields: [String: FieldValue],
        of key: RecordKey,
        replica: ReplicaState,
        tree: GridTree,
        db: Database
    ) throws {
        guard key.type == .resident, let id = fields["householdId"]?.stringValue else { return }
        let household = RecordKey(type: .household, id: id)
        guard let state = try Self.state(db, household),
            let grid = state.visibleValue(of: "gridId")?.stringValue,
            tree.isWithin(grid, subtreeOf: replica.gridId)
        else { throw AgentError.noSuchRecord(household) }
    }
}
