import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncAgent
import Shared

/// `field-agent household`: the grid's household ledger (一个网格一本台账).
struct HouseholdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "household",
        abstract: Console.localized("Add, change and look up households.", "新增、修改和查询住户。"),
        subcommands: [Add.self, Update.self, List.self, Show.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized("Add a household; prints its new id on the last line.", "新增住户；最后一行输出新编号。")
        )
        @OptionGroup var data: DataDirectoryOption
        @Option(help: ArgumentHelp(Console.localized("Its level-4 grid.", "所属四级网格。"))) var grid: String
        @Option(help: ArgumentHelp(Console.localized("Its address.", "地址。"))) var address: String
        @Option(help: ArgumentHelp(Console.localized("The head of household's name.", "户主姓名。"))) var head: String
        @Option(
            name: .customLong("set"),
            help: ArgumentHelp(Console.localized("Another field, as key=value.", "其他字段，格式为 键=值。"))
        )
        var fields: [String] = []

        func run() throws {
            var values = try FieldInput.values(fields, type: .household)
            values["gridId"] = .string(grid)
            values["address"] = .string(address)
            values["headName"] = .string(head)
            values["status"] = values["status"] ?? .string(Household.Status.active.rawValue)
            let key = RecordCommands.newKey(.household)
            try RecordCommands.author([.create(values)], on: key, data: data)
            RecordCommands.announceCreated(key)
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized(
                "Change fields of a household by their protocol names (address, headName, phone, residenceType, status, note, …).",
                "按协议字段名修改住户信息（address、headName、phone、residenceType、status、note 等）。"
            )
        )
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: ArgumentHelp(Console.localized("The household's id.", "住户编号。"))) var id: String
        @Option(
            name: .customLong("set"),
            help: ArgumentHelp(Console.localized("A field, as key=value.", "字段，格式为 键=值。"))
        )
        var fields: [String] = []

        func validate() throws {
            guard !fields.isEmpty else {
                throw ValidationError(Console.localized("Give at least one --set key=value.", "请至少给出一个 --set 键=值。"))
            }
        }

        func run() throws {
            let key = try RecordCommands.key(.household, id)
            try RecordCommands.author([.set(FieldInput.values(fields, type: .household))], on: key, data: data)
            RecordCommands.announceSaved(key)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized("List the households of your area.", "列出辖区内的住户。")
        )
        @OptionGroup var data: DataDirectoryOption
        @Option(help: ArgumentHelp(Console.localized("Only this grid and below.", "只列出该网格及其下级。"))) var grid: String?
        @Flag(help: ArgumentHelp(Console.localized("Print JSON.", "输出 JSON。"))) var json = false

        func run() throws {
            let database = try data.database()
            let records = try database.records(of: .household, inSubtreeOf: grid).filter { !$0.isDeleted }
            try RecordCommands.list(
                records,
                columns: ["gridId", "headName", "address", "status"],
                json: json,
                supervision: Supervision(database)
            )
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized("Show one household with any conflicts.", "显示一户的详细信息及冲突。")
        )
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: ArgumentHelp(Console.localized("The household's id.", "住户编号。"))) var id: String
        @Flag(help: ArgumentHelp(Console.localized("Print JSON.", "输出 JSON。"))) var json = false

        func run() throws {
            try RecordCommands.show(.household, id, data: data, json: json)
        }
    }
}
