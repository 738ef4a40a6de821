package import Foundation
package import Shared

/// One page of a snapshot, with record states as stored canonical JSON.
package struct SnapshotSlice: Sendable {
    let cursor: UInt64
    let grids: [GridNode]
    let records: [Data]
    let nextAfter: String?
    /// The number of records in the whole scope, counted on the first page for the agent's progress bar.
    let recordCount: Int?
    /// The county's calendar, on the first page.
    let calendar: WorkCalendar?
}

extension RecordKey {
    /// Parses the `type/id` form operators and page tokens use.
    package init?(pageKey: some StringProtocol) {
        let parts = pageKey.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let type = RecordType(rawValue: String(parts[0])), RecordID.isValid(String(parts[1]))
        else { return nil }
        self.init(type: type, id: String(parts[1]))
    }
}

/// Where a snapshot continues: the last record sent and the snapshot's cursor. Records of the
/// agent's subtree come first, as `g1,g2,g3,g4,type/id@cursor` (the record's ancestry); then the
/// incidents assigned to the agent's node, as `assigned,type/id@cursor`. Clients pass `nextAfter`
/// back unchanged and never look inside.
package struct SnapshotPageToken: Sendable, Equatable {
    /// The record's ancestry in the subtree phase; nil in the assigned phase.
    let scope: [String]?
    let record: RecordKey
    let cursor: UInt64

    init?(_ text: String) {
        guard text.utf8.count <= 512 else { return nil }
        let parts = text.split(separator: "@", maxSplits: 1)
        guard parts.count == 2, let cursor = UInt64(parts[1]), cursor <= WireLimits.maxCounter else { return nil }
        let fields = parts[0].split(separator: ",", omittingEmptySubsequences: false)
        if fields.count == 2, fields[0] == "assigned", let record = RecordKey(pageKey: fields[1]) {
            scope = nil
            self.record = record
        } else {
            guard fields.count == 5, fields.prefix(4).allSatisfy({ $0.isEmpty || GridNode.isValidID(String($0)) }),
                let record = RecordKey(pageKey: fields[4])
            else { return nil }
            scope = fields.prefix(4).map(String.init)
            self.record = record
        }
        self.cursor = cursor
    }

    init(scope: [String]?, record: RecordKey, cursor: UInt64) {
        self.scope = scope
        self.record = record
        self.cursor = cursor
    }

    var text: String { (scope ?? ["assigned"]).joined(separator: ",") + ",\(record)@\(cursor)" }
}
