import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncAgent
import Shared

/// What the editing commands share: opening the replica, authoring one change, printing records.
enum RecordCommands {
    /// Authors one command's changes to one record, all or nothing.
    static func author(
        _ payloads: [SyncOperation.Payload],
        on key: RecordKey,
        data: DataDirectoryOption
    ) throws {
        let database = try data.database()
        if try database.replicaState().lastSyncAt == nil { throw AgentError.enrollmentUnfinished }
        try database.author(payloads, on: key, now: WallClock.nowMilliseconds())
    }

    /// Prints a created record's id alone on the last line, where scripts read it.
    static func announceCreated(_ key: RecordKey) {
        Console.say(
            "Saved new \(key.type.label.english); it goes to the county at the next sync.",
            "已保存新\(key.type.label.chinese)记录，将在下次同步时上传。"
        )
        print(key.id)
    }

    static func announceSaved(_ key: RecordKey) {
        Console.say(
            "Saved \(key.type.label.english) \(key.id); it goes to the county at the next sync.",
            "已保存\(key.type.label.chinese) \(key.id)，将在下次同步时上传。"
        )
    }

    /// A new record id (UUIDv7, time-ordered).
    static func newKey(_ type: RecordType) -> RecordKey {
        RecordKey(type: type, id: RecordID.make(nowMilliseconds: WallClock.nowMilliseconds()))
    }

    /// Checks the record id typed on the command line before looking it up.
    static func key(_ type: RecordType, _ id: String) throws -> RecordKey {
        guard RecordID.isValid(id) else { throw ModelError.invalidValue(field: "id", reason: .recordID) }
        return RecordKey(type: type, id: id)
    }

    /// `list`: a table of the given columns, or every record as JSON.
    static func list(_ records: [RecordState], columns: [String], json: Bool, supervision: Supervision) throws {
        let views = records.map { RecordView($0, supervision: supervision) }
        if json { return try Console.printJSON(views) }
        if views.isEmpty { return Console.say("Nothing here yet.", "暂无记录。") }
        let schema = records[0].type.schema
        let header = ["id"] + columns.map { schema.fields[$0]?.label.text(in: Console.language) ?? $0 } + [""]
        Console.printTable(
            header,
            views.map { view in
                [view.id] + columns.map(view.text) + [
                    view.conflicts.isEmpty ? "" : Console.localized("(conflict)", "（有冲突）")
                ]
            }
        )
    }

    /// `show ID`: every field, each conflict with all its values, and an incident's history.
    static func show(_ type: RecordType, _ id: String, data: DataDirectoryOption, json: Bool) throws {
        let database = try data.database()
        let state = try database.record(key(type, id))
        let view = RecordView(state, supervision: try Supervision(database))
        if json { return try Console.printJSON(view) }
        let schema = state.type.schema
        let names = Set(view.fields.keys).union(view.sets.keys).sorted()
        Console.printTable(
            ["", ""],
            [["id", view.id]]
                + names.map { [schema.fields[$0]?.label.text(in: Console.language) ?? $0, view.text($0)] }
        )
        if view.deleted { Console.say("This record was removed.", "该记录已删除。") }
        for conflict in view.conflicts {
            Console.say(
                "Conflict in \(conflict.field): \(conflict.values.count) values written at the same time:",
                "字段 \(conflict.field) 有冲突：同时写入了 \(conflict.values.count) 个取值："
            )
            for value in conflict.values {
                print(
                    "  \(value.value == conflict.visible ? "*" : " ") \(value.value)  ← \(Console.localized("replica", "副本")) \(value.replica), \(Console.time(value.writtenAt))"
                )
            }
        }
        if let incident = view.incident { IncidentCommand.printHistory(incident) }
    }
}
