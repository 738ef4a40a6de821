import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncServer
import Shared

/// `sync-server conflicts`: concurrent edits kept for review, and their resolution.
struct ConflictsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: Console.localized("List or resolve conflicting edits.", "列出或解决冲突的修改。"),
        subcommands: [List.self, Resolve.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized(
                "List open conflicts with every value, who wrote it and when.",
                "列出未解决的冲突及每个取值的填写人和时间。"
            )
        )
        @OptionGroup var data: DataDirectoryOption
        @Flag(help: ArgumentHelp(Console.localized("Print JSON.", "输出 JSON。"))) var json = false

        func run() async throws {
            let conflicts = try await data.open().conflicts()
            if json { return try Console.printJSON(conflicts) }
            if conflicts.isEmpty { return Console.say("No open conflicts.", "没有未解决的冲突。") }
            for conflict in conflicts {
                print("\(conflict.type.rawValue)/\(conflict.recordId) \(conflict.field) (\(conflict.gridId))")
                for (index, value) in conflict.values.enumerated() {
                    let mark = index == conflict.visible ? "*" : " "
                    let sensitive = (try? conflict.type.schema.field(conflict.field).isSensitive) ?? true
                    print(
                        "  \(mark) [\(index + 1)] \(sensitive ? Console.localized("(personal data)", "（个人信息）") + " " : "")\(value.value)  ← \(value.author), \(Console.time(value.writtenAt.wallMilliseconds))"
                    )
                }
            }
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized(
                "Resolve a conflict by choosing one of its values or giving a new one; the decision syncs to every agent.",
                "选择冲突中的某个取值或给出新值以解决冲突；结果会同步到所有终端。"
            )
        )
        @OptionGroup var data: DataDirectoryOption
        @Argument(
            help: ArgumentHelp(
                Console.localized("The record, as type/id (from conflicts list).", "记录，格式为“类型/编号”（见 conflicts list）。")
            )
        ) var record: String
        @Option(help: ArgumentHelp(Console.localized("The conflicting field.", "存在冲突的字段。"))) var field: String
        @Option(help: ArgumentHelp(Console.localized("Keep value number N of the list.", "保留列表中的第 N 个取值。"))) var pick:
            Int?
        @Option(help: ArgumentHelp(Console.localized("Write this text instead.", "改为写入此文本。"))) var value: String?

        func validate() throws {
            guard (pick == nil) != (value == nil) else {
                throw ValidationError(
                    Console.localized("Give exactly one of --pick or --value.", "--pick 和 --value 必须且只能给出一个。")
                )
            }
        }

        func run() async throws {
            guard let key = RecordKey(pageKey: record) else {
                throw ModelError.invalid(
                    LocalizedText(
                        "The record must be written type/id, for example household/0193….",
                        zh: "记录必须写成“类型/编号”，例如 household/0193…。"
                    )
                )
            }
            let database = try data.open()
            guard
                let conflict = try await database.conflicts().first(where: {
                    $0.type == key.type && $0.recordId == key.id && $0.field == field
                })
            else {
                throw ModelError.invalid(
                    LocalizedText(
                        "There is no open conflict on \(record) \(field).",
                        zh: "\(record) 的字段 \(field) 没有未解决的冲突。"
                    )
                )
            }
            let chosen: FieldValue
            if let pick {
                guard conflict.values.indices.contains(pick - 1) else {
                    throw ModelError.invalid(
                        LocalizedText(
                            "--pick must be from 1 to \(conflict.values.count).",
                            zh: "--pick 必须在 1 到 \(conflict.values.count) 之间。"
                        )
                    )
                }
                chosen = conflict.values[pick - 1].value
            } else {
                chosen = .string(value!)
            }
            try await database.resolveConflict(
                on: key,
                field: field,
                value: chosen,
                actor: Console.operatorName,
                now: WallClock.nowMilliseconds()
            )
            Console.say(
                "Resolved \(record) \(field); agents receive the decision at their next sync.",
                "已解决 \(record) 的字段 \(field)；各终端将在下次同步时收到该结果。"
            )
        }
    }
}
