package import Shared

/// The text fields each kind of record is edited in.
private let textFields: [RecordType: [String]] = [
    .household: ["address", "headName", "note"],
    .resident: ["name", "ethnicity"],
    .incident: ["summary", "location"],
]

/// Runs one random schedule of offline edits, out-of-order and duplicated deliveries, and resyncs
/// among replicas.
///
/// Each step word from the property generator decides one thing: which replica edits which field
/// of which record, which operations reach which replica in one page, or which replica takes
/// another's records as a snapshot and replays its outbox on top. At the end every replica
/// receives every operation again in its own shuffled order, with duplicates, as a retrying
/// network would.
///
/// The schedule is the same over any ``ScheduledReplica``: the same steps author the same
/// operations and deliver the same pages, so two stores that run the same engine end identical.
package struct ConvergenceSchedule<Replica: ScheduledReplica> {
    package let replicaCount: Int
    package let steps: [UInt64]

    package private(set) var replicas: [Replica] = []
    /// Every operation authored, in authoring order.
    package private(set) var log: [SyncOperation] = []
    /// How many resyncs the schedule played.
    package private(set) var resyncs = 0
    private let makeReplica: (ReplicaID) throws(Replica.Failure) -> Replica
    private var known: [[RecordKey]] = []
    private var now: UInt64 = 1_764_374_400_000  // 2025-11-29T00:00:00Z
    private var skew: [Int64] = []
    private var random: SplitMix64

    /// A schedule whose replicas `makeReplica` makes from their ids (1, 2, …).
    package init(
        replicaCount: Int,
        steps: [UInt64],
        makeReplica: @escaping (ReplicaID) throws(Replica.Failure) -> Replica
    ) {
        self.replicaCount = replicaCount
        self.steps = steps
        self.makeReplica = makeReplica
        random = SplitMix64(seed: steps.reduce(UInt64(replicaCount)) { $0 &* 31 &+ $1 })
    }

    /// Plays the schedule, then delivers everything everywhere.
    package mutating func run() throws(Replica.Failure) {
        replicas = []
        for id in 1...replicaCount { replicas.append(try makeReplica(ReplicaID(UInt32(id)))) }
        known = Array(repeating: [], count: replicaCount)
        skew = (0..<replicaCount).map { _ in Int64.random(in: -3000...3000, using: &random) }
        try seedRecords()
        for word in steps { try play(word) }
        for index in replicas.indices {
            var all = log + log.filter { _ in Bool.random(using: &random) }
            all.shuffle(using: &random)
            try replicas[index].receive(all)
        }
    }

    /// Replica 1 creates a household, a resident and an incident; everyone gets them before going offline.
    private mutating func seedRecords() throws(Replica.Failure) {
        let household = RecordKey(type: .household, id: "00000000-0000-7000-8000-000000000001")
        let resident = RecordKey(type: .resident, id: "00000000-0000-7000-8000-000000000002")
        let incident = RecordKey(type: .incident, id: "00000000-0000-7000-8000-000000000003")
        try author(
            0,
            .create(["gridId": .string("g1"), "address": .string("a0"), "headName": .string("h0")]),
            household
        )
        try author(
            0,
            .create(["gridId": .string("g1"), "name": .string("n0"), "householdId": .string(household.id)]),
            resident
        )
        try author(
            0,
            .create(["gridId": .string("g1"), "category": .string("dispute"), "summary": .string("s0")]),
            incident
        )
        for index in replicas.indices {
            if index > 0 { try replicas[index].receive(log) }
            known[index] = [household, resident, incident]
        }
    }

    private mutating func play(_ word: UInt64) throws(Replica.Failure) {
        now += word >> 54  // up to about a second between steps
        let replica = Int((word >> 8) % UInt64(replicaCount))
        let records = known[replica]
        let record = records[Int((word >> 12) % UInt64(records.count))]
        let choice = (word >> 16) & 0xFF
        switch word % 16 {
        case 0...4:
            let fields = textFields[record.type]!
            var values: [String: FieldValue] = [fields[Int(choice) % fields.count]: .string("v\(choice % 5)")]
            if word & (1 << 24) != 0 { values[fields[Int(choice / 3) % fields.count]] = .string("w\(choice % 3)") }
            try author(replica, .set(values), record)
        case 5:
            try author(replica, .set(["phone": .string("1380000000\(choice % 4)")]), known[replica][0])
        case 6:
            try author(replica, .add(field: "tags", element: tag(choice)), known[replica][1])
        case 7:
            try author(replica, .remove(field: "tags", element: tag(choice)), known[replica][1])
        case 8:
            try author(replica, .add(field: "phones", element: "1390000000\(choice % 3)"), known[replica][1])
        case 9:
            if choice % 4 == 0 {
                try author(replica, .tombstone, record)
            } else {
                try createHousehold(by: replica, word)
            }
        case 10, 11:
            try author(replica, .event(event(choice)), known[replica][2])
        default:
            if choice % 8 == 0 {
                try resync(replica, from: Int((word >> 32) % UInt64(replicaCount)))
            } else {
                try deliver(to: replica, count: Int(choice % 8) + 1)
            }
        }
    }

    private mutating func createHousehold(by replica: Int, _ word: UInt64) throws(Replica.Failure) {
        let record = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: now, using: &random))
        try author(
            replica,
            .create(["gridId": .string("g1"), "address": .string("new"), "headName": .string("h")]),
            record
        )
        known[replica].append(record)
    }

    /// Delivers one page of random operations from the whole log: some unseen, some duplicates,
    /// in no particular order.
    private mutating func deliver(to replica: Int, count: Int) throws(Replica.Failure) {
        guard !log.isEmpty else { return }
        let page = (0..<count).map { _ in log[Int.random(in: 0..<log.count, using: &random)] }
        try replicas[replica].receive(page)
        for operation in page where operation.type == .household && !known[replica].contains(operation.record) {
            if try replicas[replica].holds(operation.record) { known[replica].append(operation.record) }
        }
    }

    /// `replica` takes `source`'s records as its snapshot (a server that has some of what it
    /// sent, and some of what others sent) and replays its own outbox on top. Its own edits that
    /// build on something the snapshot lacks wait for it; the records it no longer holds it can
    /// no longer edit. The three seed records every replica holds.
    private mutating func resync(_ replica: Int, from source: Int) throws(Replica.Failure) {
        let snapshot = try replicas[source].recordsInKeyOrder()
        try replicas[replica].resync(from: snapshot)
        resyncs += 1
        var held: [RecordKey] = []
        for (index, record) in known[replica].enumerated() {
            let kept = try index < 3 ? true : replicas[replica].holds(record)
            if kept { held.append(record) }
        }
        known[replica] = held
    }

    private mutating func author(
        _ replica: Int,
        _ payload: SyncOperation.Payload,
        _ record: RecordKey
    ) throws(Replica.Failure) {
        let physical = UInt64(Int64(now) + skew[replica])
        log.append(try replicas[replica].write(payload, to: record, now: physical))
    }

    private func tag(_ choice: UInt64) -> String {
        ["disability", "livingAlone", "subsistenceAllowance"][Int(choice % 3)]
    }

    private func event(_ choice: UInt64) -> IncidentEvent {
        let action = IncidentAction.allCases[Int(choice) % IncidentAction.allCases.count]
        return IncidentEvent(
            action: action,
            node: "g1",
            target: action == .dispatch || action == .escalate ? "g\(choice % 3)" : nil,
            note: "n\(choice)",
            satisfaction: action == .close ? .satisfied : nil,
            registryNumber: action == .register ? "FM-20251129-\(choice)" : nil
        )
    }
}

extension ConvergenceSchedule where Replica == InMemoryReplica {
    /// A schedule over in-memory replicas.
    package init(replicaCount: Int, steps: [UInt64]) {
        self.init(replicaCount: replicaCount, steps: steps) { InMemoryReplica(replica: $0) }
    }
}
