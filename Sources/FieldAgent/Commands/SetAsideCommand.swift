import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncAgent
import Shared

/// `field-agent set-aside`: the edits the county server set aside, each with the reason.
struct SetAsideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-aside",
        abstract: Console.localized(
            "The edits the county server set aside instead of storing, and why.",
            "县级服务器搁置（未保存）的修改及原因。"
        ),
        subcommands: [List.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized(
                "List the set-aside edits: they were undone here; the county operator applies or discards each.",
                "列出被搁置的修改：本机已撤销这些修改，由县级管理员决定采用或放弃。"
            )
        )
        @OptionGroup var data: DataDirectoryOption
        @Flag(help: ArgumentHelp(Console.localized("Print JSON.", "输出 JSON。"))) var json = false

        struct Entry: Encodable {
            let counter: UInt64
            let type: RecordType
            let id: String
            let kind: String
            let code: String
            let message: String
            let at: UInt64
        }

        func run() throws {
            let entries = try data.database().setAsideOperations().map { entry in
                Entry(
                    counter: entry.operation.dot.counter,
                    type: entry.operation.type,
                    id: entry.operation.id,
                    kind: entry.operation.payload.kind.rawValue,
                    code: entry.code,
                    message: entry.message.text(in: Console.language),
                    at: entry.at
                )
            }
            if json { return try Console.printJSON(entries) }
            if entries.isEmpty { return Console.say("Nothing was set aside.", "没有被搁置的修改。") }
            Console.printTable(
                [
                    Console.localized("edit", "修改"), Console.localized("record", "记录"), Console.localized("when", "时间"),
                    Console.localized("why", "原因"),
                ],
                entries.map {
                    ["\($0.counter) \($0.kind)", "\($0.type.rawValue) \($0.id)", Console.time($0.at), $0.message]
                }
            )
        }
    }
}
