import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncAgent
import Shared

/// `field-agent incident`: problems found in the grid, from report to closing (上报挂号、逐级处置、反馈销号).
struct IncidentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: Console.localized("Report incidents and act on them.", "上报事件并办理。"),
        subcommands: [Report.self, Act.self, List.self, Show.self]
    )

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized(
                "Report an incident; prints its new id on the last line (the registry number comes at the next sync).",
                "上报事件；最后一行输出新编号（挂号在下次同步后下发）。"
            )
        )
        @OptionGroup var data: DataDirectoryOption
        @Option(help: ArgumentHelp(Console.localized("The grid where it happened.", "事发网格。"))) var grid: String
        @Option(
            help: ArgumentHelp(
                Console.localized(
                    "dispute, safetyHazard, livelihood, environment or other.",
                    "事件类别：dispute、safetyHazard、livelihood、environment 或 other。"
                )
            )
        ) var category: String
        @Option(help: ArgumentHelp(Console.localized("What happened, in a sentence or two.", "事件概要。"))) var summary:
            String
        @Option(
            help: ArgumentHelp(
                Console.localized("patrol, resident, hotline or assigned.", "事件来源：patrol、resident、hotline 或 assigned。")
            )
        )
        var source: String?
        @Option(help: ArgumentHelp(Console.localized("Where exactly.", "发生地点。"))) var location: String?
        @Option(help: ArgumentHelp(Console.localized("The people involved.", "涉及人员。"))) var parties: String?
        @Option(help: ArgumentHelp(Console.localized("normal, urgent or major.", "紧急程度：normal、urgent 或 major。")))
        var urgency: String?
        @Option(
            name: .customLong("set"),
            help: ArgumentHelp(Console.localized("Another field, as key=value.", "其他字段，格式为 键=值。"))
        )
        var fields: [String] = []

        func run() throws {
            var values = try FieldInput.values(fields, type: .incident)
            values["gridId"] = .string(grid)
            values["category"] = .string(category)
            values["summary"] = .string(summary)
            for (name, value) in [
                ("source", source), ("location", location), ("parties", parties), ("urgency", urgency),
            ] {
                if let value { values[name] = .string(value) }
            }
            let key = RecordCommands.newKey(.incident)
            try RecordCommands.author([.create(values)], on: key, data: data)
            RecordCommands.announceCreated(key)
        }
    }

    struct Act: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized(
                "Take a step on an incident: dispatch, sign, handle, requestExtension, requestReturn, feedback, verify, verifyFail, close, reopen, comment, …",
                "办理事件：dispatch（派遣）、sign（签收）、handle（办理）、requestExtension（申请延时）、requestReturn（申请退办）、feedback（反馈）、verify（核查）、verifyFail（核查不通过）、close（结案）、reopen（重新打开）、comment（备注）等。"
            )
        )
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: ArgumentHelp(Console.localized("The incident's id.", "事件编号。"))) var id: String
        @Option(help: ArgumentHelp(Console.localized("The step, by its protocol name.", "办理动作（协议名称）。"))) var action:
            String
        @Option(
            help: ArgumentHelp(Console.localized("Where it goes (dispatch, escalate).", "派往的网格或部门（dispatch、escalate）。"))
        ) var to: String?
        @Option(help: ArgumentHelp(Console.localized("Your opinion or reason.", "办理意见或理由。"))) var note: String?
        @Option(
            help: ArgumentHelp(
                Console.localized(
                    "For close: satisfied, basicallySatisfied or dissatisfied.",
                    "结案时的满意度：satisfied、basicallySatisfied 或 dissatisfied。"
                )
            )
        ) var satisfaction: String?
        @Option(
            help: ArgumentHelp(
                Console.localized(
                    "Working days asked for (requestExtension), or given to the target of a dispatch (default: 3 at village level, 5 above).",
                    "申请延时的工作日数，或派遣时给承办单位的办理时限（默认村级3天、以上5天）。"
                )
            )
        ) var days: Int?

        func run() throws {
            let key = try RecordCommands.key(.incident, id)
            guard let step = IncidentAction(rawValue: action) else {
                throw ModelError.unknownName(action, field: "action", what: ("incident action", "事件操作"))
            }
            var chosen: IncidentEvent.Satisfaction?
            if let satisfaction {
                guard let value = IncidentEvent.Satisfaction(rawValue: satisfaction) else {
                    throw ModelError.unknownName(satisfaction, field: "satisfaction", what: ("satisfaction", "满意度"))
                }
                chosen = value
            }
            let database = try data.database()
            let node = try database.replicaState().gridId
            // A dispatch or escalation carries the working days its target has (DESIGN.md §7), so
            // every replica counts the same deadline; --days sets another.
            var allowed = days
            if let to, step == .dispatch || step == .escalate {
                allowed = try days ?? database.gridTree()[to]?.workingDaysAllowed
            }
            let event = IncidentEvent(
                action: step,
                node: node,
                target: to,
                note: note,
                satisfaction: chosen,
                days: allowed
            )
            try RecordCommands.author([.event(event)], on: key, data: data)
            RecordCommands.announceSaved(key)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized("List the incidents of your area.", "列出辖区内的事件。")
        )
        @OptionGroup var data: DataDirectoryOption
        @Flag(help: ArgumentHelp(Console.localized("Only incidents not yet closed.", "只列出未结案的事件。"))) var open = false
        @Flag(help: ArgumentHelp(Console.localized("Only incidents past their deadline.", "只列出已超期的事件。"))) var overdue =
            false
        @Flag(help: ArgumentHelp(Console.localized("Print JSON.", "输出 JSON。"))) var json = false

        func run() throws {
            let database = try data.database()
            let supervision = try Supervision(database)
            let views = try database.records(of: .incident).filter { !$0.isDeleted }.map {
                RecordView($0, supervision: supervision)
            }.filter { view in
                (!open || view.incident?.status.isOpen != false) && (!overdue || view.incident?.light == .red)
            }
            if json { return try Console.printJSON(views) }
            if views.isEmpty { return Console.say("No incidents.", "暂无事件。") }
            let pending = Console.localized("(pending registration)", "（待挂号）")
            let rows: [[String]] = views.map { view in
                let incident = view.incident
                return [
                    view.id, incident?.registryNumber ?? pending, incident?.status.rawValue ?? "-",
                    incident?.responsibleNode ?? "-", incident?.dueDate ?? "-", incident?.light?.rawValue ?? "-",
                    view.text("summary"),
                ]
            }
            Console.printTable(
                [
                    "id", Console.localized("registry no.", "挂号"), Console.localized("status", "状态"),
                    Console.localized("with", "承办"), Console.localized("due", "期限"), Console.localized("light", "灯"),
                    Console.localized("summary", "概要"),
                ],
                rows
            )
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized("Show an incident with its whole history.", "显示事件及其全部流转记录。")
        )
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: ArgumentHelp(Console.localized("The incident's id.", "事件编号。"))) var id: String
        @Flag(help: ArgumentHelp(Console.localized("Print JSON.", "输出 JSON。"))) var json = false

        func run() throws {
            try RecordCommands.show(.incident, id, data: data, json: json)
        }
    }

    /// The folded history, one step per line; steps the lifecycle refused are marked, not hidden.
    static func printHistory(_ incident: IncidentView) {
        Console.say(
            "Status: \(incident.status.rawValue), registry number \(incident.registryNumber ?? "(pending registration)"), with \(incident.responsibleNode)\(incident.dueDate.map { ", due \($0) (\(incident.light?.rawValue ?? "-"))" } ?? "").",
            "状态：\(incident.status.rawValue)，挂号 \(incident.registryNumber ?? "（待挂号）")，承办 \(incident.responsibleNode)\(incident.dueDate.map { "，期限 \($0)（\(incident.light?.rawValue ?? "-")）" } ?? "")。"
        )
        for step in incident.history {
            let refused =
                step.accepted
                ? ""
                : Console.localized(
                    "  (not applied: the incident was \(step.from.rawValue))",
                    "  （未生效：当时事件状态为 \(step.from.rawValue)）"
                )
            let due = step.due.map { Console.localized("  (due \($0))", "  （期限 \($0)）") } ?? ""
            print(
                "  \(Console.time(step.at))  \(step.action.rawValue)  \(step.node ?? "-")\(step.target.map { " → \($0)" } ?? "")  \(Console.localized("replica", "副本")) \(step.replica)\(step.note.map { "  \($0)" } ?? "")\(due)\(refused)"
            )
        }
    }
}

/// `field-agent log`: the daily work log (网格化管理工作日志).
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: Console.localized("Write the day's work log.", "填写工作日志。"),
        subcommands: [Write.self]
    )

    struct Write: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized("Write a work log; prints its new id on the last line.", "填写工作日志；最后一行输出新编号。")
        )
        @OptionGroup var data: DataDirectoryOption
        @Option(help: ArgumentHelp(Console.localized("The day, YYYY-MM-DD (default today).", "日期，YYYY-MM-DD（默认今天）。")))
        var date: String?
        @Option(help: ArgumentHelp(Console.localized("What you did.", "工作记录。"))) var text: String
        @Option(
            name: .customLong("set"),
            help: ArgumentHelp(
                Console.localized(
                    "A count, as key=value (patrolMinutes, householdsVisited, disputes, …).",
                    "统计项，格式为 键=值（patrolMinutes、householdsVisited、disputes 等）。"
                )
            )
        ) var fields: [String] = []

        func run() throws {
            var values = try FieldInput.values(fields, type: .workLog)
            values["gridId"] = .string(try data.database().replicaState().gridId)
            values["date"] = .string(date ?? CountyTime.date(atMilliseconds: WallClock.nowMilliseconds()).description)
            values["text"] = .string(text)
            let key = RecordCommands.newKey(.workLog)
            try RecordCommands.author([.log(values)], on: key, data: data)
            RecordCommands.announceCreated(key)
        }
    }
}
