@testable import Shared

/// Runs one random schedule of offline edits and out-of-order, duplicated deliveries among replicas.
///
/// Each step word from the property generator decides one thing: which replica edits which field
/// of which record, or which operations reach which replica. At the end every replica receives
/// every operation again in its own shuffled order, with duplicates, as a retrying network would.
struct ConvergenceSchedule {
    let replicaCount: Int
    let steps: [UInt64]

    private(set) var replicas: [InMemoryReplica] = []
    /// Every operation authored, in authoring order.
    private(set) var log: [SyncOperation] = []
    private var known: [[RecordKey]] = []
    private var now: UInt64 = 1_764_374_400_000  // 2025-11-29T00:00:00Z
    private var skew: [Int64] = []
    private var random: SplitMix64

    static let textFields: [RecordType: [String]] = [
        .household: ["address", "headName", "note"],
        .resident: ["name", "ethnicity"],
        .incident: ["summary", "location"],
    ]

    init(replicaCount: Int, steps: [UInt64]) {
        self.replicaCount = replicaCount
        self.steps = steps
        random = SplitMix64(seed: steps.reduce(UInt64(replicaCount)) { $0 &* 31 &+ $1 })
    }

    /// Plays the schedule, then delivers everything everywhere.
    mutating func run() {
        replicas = (1...replicaCount).map { InMemoryReplica(replica: ReplicaID(UInt32($0))) }
        known = Array(repeating: [], count: replicaCount)
        skew = (0..<replicaCount).map { _ in Int64.random(in: -3000...3000, using: &random) }
        seedRecords()
        for word in steps { play(word) }
        for index in replicas.indices {
            var all = log + log.filter { _ in Bool.random(using: &random) }
            all.shuffle(using: &random)
            for operation in all { replicas[index].receive(operation) }
        }
    }

    /// Replica 1 creates a household, a resident and an incident; everyone gets them before going offline.
    private mutating func seedRecords() {
        let household = RecordKey(type: .household, id: "00000000-0000-7000-8000-000000000001")
        let resident = RecordKey(type: .resident, id: "00000000-0000-7000-8000-000000000002")
        let incident = RecordKey(type: .incident, id: "00000000-0000-7000-8000-000000000003")
        author(0, .create(["gridId": .string("g1"), "address": .string("a0"), "headName": .string("h0")]), household)
        author(
            0,
            .create(["gridId": .string("g1"), "name": .string("n0"), "householdId": .string(household.id)]),
            resident
        )
        author(
            0,
            .create(["gridId": .string("g1"), "category": .string("dispute"), "summary": .string("s0")]),
            incident
        )
        for index in replicas.indices {
            for operation in log { replicas[index].receive(operation) }
            known[index] = [household, resident, incident]
        }
    }

    private mutating func play(_ word: UInt64) {
        now += word >> 54  // up to about a second between steps
        let replica = Int((word >> 8) % UInt64(replicaCount))
        let records = known[replica]
        let record = records[Int((word >> 12) % UInt64(records.count))]
        let choice = (word >> 16) & 0xFF
        switch word % 16 {
        case 0...4:
            let fields = Self.textFields[record.type]!
            var values: [String: FieldValue] = [fields[Int(choice) % fields.count]: .string("v\(choice % 5)")]
            if word & (1 << 24) != 0 { values[fields[Int(choice / 3) % fields.count]] = .string("w\(choice % 3)") }
            author(replica, .set(values), record)
        case 5:
            author(replica, .set(["phone": .string("1380000000\(choice % 4)")]), known[replica][0])
        case 6:
            author(replica, .add(field: "tags", element: tag(choice)), known[replica][1])
        case 7:
            author(replica, .remove(field: "tags", element: tag(choice)), known[replica][1])
        case 8:
            author(replica, .add(field: "phones", element: "1390000000\(choice % 3)"), known[replica][1])
        case 9:
            if choice % 4 == 0 { author(replica, .tombstone, record) } else { createHousehold(by: replica, word) }
        case 10, 11:
            author(replica, .event(event(choice)), known[replica][2])
        default:
            deliver(to: replica, count: Int(choice % 8) + 1)
        }
    }

    private mutating func createHousehold(by replica: Int, _ word: UInt64) {
        let record = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: now, using: &random))
        author(
            replica,
            .create(["gridId": .string("g1"), "address": .string("new"), "headName": .string("h")]),
            record
        )
        known[replica].append(record)
    }

    /// Delivers random operations from the whole log: some unseen, some duplicates, in no particular order.
    private mutating func deliver(to replica: Int, count: Int) {
        guard !log.isEmpty else { return }
        for _ in 0..<count {
            let operation = log[Int.random(in: 0..<log.count, using: &random)]
            replicas[replica].receive(operation)
            if operation.type == .household, !known[replica].contains(operation.record),
                replicas[replica].records[operation.record] != nil
            {
                known[replica].append(operation.record)
            }
        }
    }

    private mutating func author(_ replica: Int, _ payload: SyncOperation.Payload, _ record: RecordKey) {
        let physical = UInt64(Int64(now) + skew[replica])
        log.append(replicas[replica].write(payload, to: record, now: physical))
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
