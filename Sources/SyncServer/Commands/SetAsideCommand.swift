import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncServer
import Shared

/// `sync-server set-aside`: operations of honest agents the server could not take, kept for a decision.
struct SetAsideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-aside",
        abstract: Console.localized(
            "List set-aside operations, or apply or discard one.",
            "列出被搁置的操作，或采用、放弃其中一条。"
        ),
        subcommands: [List.self, Apply.self, Discard.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized(
                "List the set-aside operations waiting for a decision (--all: decided ones too).",
                "列出待处理的搁置操作（--all：包括已处理的）。"
            )
        )
        @OptionGroup var data: DataDirectoryOption
        @Flag(help: ArgumentHelp(Console.localized("Decided ones too.", "包括已处理的。"))) var all = false
        @Flag(help: ArgumentHelp(Console.localized("Print JSON.", "输出 JSON。"))) var json = false

        func run() async throws {
            let entries = try await data.open().setAsideEntries(all: all)
            if json { return try Console.printJSON(entries) }
            if entries.isEmpty { return Console.say("Nothing is set aside.", "没有被搁置的操作。") }
            Console.printTable(
                [
                    "id", Console.localized("agent", "终端"), Console.localized("operation", "操作"),
                    Console.localized("record", "记录"), Console.localized("when", "时间"),
                    Console.localized("status", "状态"), Console.localized("why", "原因"),
                ],
                entries.map { entry in
                    [
                        "\(entry.id)", "\(entry.replica)", "\(entry.counter) \(entry.kind)",
                        "\(entry.type.rawValue)/\(entry.recordId)", Console.time(entry.at), entry.status,
                        Console.localized(entry.message, entry.messageZh),
                    ]
                }
            )
        }
    }

    /// `apply` and `discard` share their arguments.
    struct Decision: ParsableArguments {
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: ArgumentHelp(Console.localized("The id from set-aside list.", "set-aside list 中的编号。"))) var id:
            Int64
        @Option(help: ArgumentHelp(Console.localized("Why; kept in the audit trail.", "理由，记入审计记录。"))) var reason: String

        func validate() throws {
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError(Console.localized("--reason cannot be empty.", "--reason 不能为空。"))
            }
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized(
                "Apply a set-aside operation as the county's own change; every agent in scope receives it.",
                "以县级名义采用一条搁置的操作；辖区内所有终端都会收到。"
            )
        )
        @OptionGroup var decision: Decision

        func run() async throws {
            try await decision.data.open().decideSetAside(
                decision.id,
                apply: true,
                reason: decision.reason,
                actor: Console.operatorName,
                now: WallClock.nowMilliseconds()
            )
            Console.say(
                "Applied set-aside operation \(decision.id); agents receive it at their next sync.",
                "已采用搁置操作 \(decision.id)；各终端将在下次同步时收到。"
            )
        }
    }

    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized("Discard a set-aside operation, with the reason.", "放弃一条搁置的操作，并说明理由。")
        )
        @OptionGroup var decision: Decision

        func run() async throws {
            try await decision.data.open().decideSetAside(
                decision.id,
                apply: false,
                reason: decision.reason,
                actor: Console.operatorName,
                now: WallClock.nowMilliseconds()
            )
            Console.say("Discarded set-aside operation \(decision.id).", "已放弃搁置操作 \(decision.id)。")
        }
    }
}
