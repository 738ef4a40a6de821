import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncAgent
import Shared

/// `field-agent resident`: the people of the grid (实有人口).
struct ResidentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resident",
        abstract: Console.localized("Add, change and look up residents.", "新增、修改和查询居民。"),
        subcommands: [Add.self, Update.self, List.self, Show.self]
    )

    /// `--add` and `--remove` for the set fields (phones, care tags).
    struct SetEdits: ParsableArguments {
        @Option(
            name: .customLong("add"),
            help: ArgumentHelp(Console.localized("Add to phones or tags, as key=value.", "向 phones 或 tags 添加，格式为 键=值。"))
        ) var additions: [String] = []
        @Option(
            name: .customLong("remove"),
            help: ArgumentHelp(
                Console.localized("Remove from phones or tags, as key=value.", "从 phones 或 tags 移除，格式为 键=值。")
            )
        ) var removals: [String] = []

        var payloads: [SyncOperation.Payload] {
            get throws {
                try additions.map {
                    let (field, element) = try FieldInput.split($0)
                    return .add(field: field, element: element)
                }
                    + removals.map {
                        let (field, element) = try FieldInput.split($0)
                        return .remove(field: field, element: element)
                    }
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized("Add a resident; prints the new id on the last line.", "新增居民；最后一行输出新编号。")
        )
        @OptionGroup var data: DataDirectoryOption
        @Option(help: ArgumentHelp(Console.localized("The resident's name.", "姓名。"))) var name: String
        @Option(help: ArgumentHelp(Console.localized("The household the resident belongs to.", "所属住户编号。")))
        var household: String?
        @Option(
            help: ArgumentHelp(
                Console.localized("Their level-4 grid (default: the household's).", "所属四级网格（默认与所属住户相同）。")
            )
        ) var grid: String?
        @Option(name: .customLong("id-number"), help: ArgumentHelp(Console.localized("公民身份号码.", "公民身份号码。")))
        var idNumber: String?
        @Option(
            name: .customLong("set"),
            help: ArgumentHelp(Console.localized("Another field, as key=value.", "其他字段，格式为 键=值。"))
        )
        var fields: [String] = []
        @OptionGroup var sets: SetEdits

        func run() throws {
            var values = try FieldInput.values(fields, type: .resident)
            values["name"] = .string(name)
            if let idNumber { values["idNumber"] = .string(idNumber.uppercased()) }
            var gridId = grid
            if let household {
                let home = try data.database().record(RecordCommands.key(.household, household))
                values["householdId"] = .string(household)
                gridId = gridId ?? home.visibleValue(of: "gridId")?.stringValue
            }
            guard let gridId else { throw AgentError.residentNeedsGrid }
            values["gridId"] = .string(gridId)
            values["status"] = values["status"] ?? .string(Resident.Status.active.rawValue)
            let key = RecordCommands.newKey(.resident)
            try RecordCommands.author([.create(values)] + sets.payloads, on: key, data: data)
            RecordCommands.announceCreated(key)
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized(
                "Change a resident's fields; --add/--remove change phones and tags.",
                "修改居民信息；--add/--remove 修改电话和关爱标签。"
            )
        )
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: ArgumentHelp(Console.localized("The resident's id.", "居民编号。"))) var id: String
        @Option(
            name: .customLong("set"),
            help: ArgumentHelp(Console.localized("A field, as key=value.", "字段，格式为 键=值。"))
        )
        var fields: [String] = []
        @OptionGroup var sets: SetEdits

        func validate() throws {
            guard !fields.isEmpty || !sets.additions.isEmpty || !sets.removals.isEmpty else {
                throw ValidationError(
                    Console.localized("Give at least one --set, --add or --remove.", "请至少给出一个 --set、--add 或 --remove。")
                )
            }
        }

        func run() throws {
            let key = try RecordCommands.key(.resident, id)
            var payloads = try sets.payloads
            if !fields.isEmpty {
                var values = try FieldInput.values(fields, type: .resident)
                if let number = values["idNumber"]?.stringValue { values["idNumber"] = .string(number.uppercased()) }
                payloads.insert(.set(values), at: 0)
            }
            try RecordCommands.author(payloads, on: key, data: data)
            RecordCommands.announceSaved(key)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized("List the residents of your area.", "列出辖区内的居民。")
        )
        @OptionGroup var data: DataDirectoryOption
        @Option(help: ArgumentHelp(Console.localized("Only this grid and below.", "只列出该网格及其下级。"))) var grid: String?
        @Option(help: ArgumentHelp(Console.localized("Only this household's members.", "只列出该户的成员。"))) var household:
            String?
        @Flag(help: ArgumentHelp(Console.localized("Print JSON.", "输出 JSON。"))) var json = false

        func run() throws {
            let database = try data.database()
            let records = try database.records(of: .resident, inSubtreeOf: grid).filter {
                !$0.isDeleted && (household == nil || $0.visibleValue(of: "householdId")?.stringValue == household)
            }
            try RecordCommands.list(
                records,
                columns: ["gridId", "name", "relationToHead", "status"],
                json: json,
                supervision: Supervision(database)
            )
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized("Show one resident with any conflicts.", "显示一位居民的详细信息及冲突。")
        )
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: ArgumentHelp(Console.localized("The resident's id.", "居民编号。"))) var id: String
        @Flag(help: ArgumentHelp(Console.localized("Print JSON.", "输出 JSON。"))) var json = false

        func run() throws {
            try RecordCommands.show(.resident, id, data: data, json: json)
        }
    }
}
