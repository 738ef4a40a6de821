import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncServer
import Shared

/// `sync-server incidents`: the county's supervision view (红黄绿灯督办).
struct IncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: Console.localized("Supervise incidents and their deadlines.", "督办事件及其办理期限。"),
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized(
                "List incidents with their status, who holds them, the deadline and the traffic light.",
                "列出事件的状态、承办单位、办理期限和红黄绿灯。"
            )
        )
        @OptionGroup var data: DataDirectoryOption
        @Flag(help: ArgumentHelp(Console.localized("Only incidents past their deadline.", "只列出已超期的事件。"))) var overdue =
            false
        @Option(
            help: ArgumentHelp(
                Console.localized("Only incidents that started in this grid or below.", "只列出发生在该网格及其下级的事件。")
            )
        )
        var grid: String?
        @Option(
            help: ArgumentHelp(
                Console.localized("Only incidents held at this level (0–4).", "只列出由该级（0–4）承办的事件。")
            )
        ) var level: Int?
        @Flag(help: ArgumentHelp(Console.localized("Print JSON.", "输出 JSON。"))) var json = false

        func run() async throws {
            let database = try data.open()
            var tree: GridTree?
            if let grid {
                let built = try GridTree(await database.grids())
                guard built[grid] != nil else {
                    throw ModelError.invalid(LocalizedText("Grid \(grid) does not exist.", zh: "网格 \(grid) 不存在。"))
                }
                tree = built
            }
            let incidents = try await database.supervisedIncidents(now: WallClock.nowMilliseconds()).filter {
                incident in
                (!overdue || incident.light == .red)
                    && (level == nil || incident.level == level)
                    && (grid == nil || tree!.isWithin(incident.gridId, subtreeOf: grid!))
            }
            if json { return try Console.printJSON(incidents) }
            if incidents.isEmpty { return Console.say("No incidents.", "没有事件。") }
            Console.printTable(
                [
                    Console.localized("registry no.", "挂号"), Console.localized("status", "状态"),
                    Console.localized("with", "承办"), Console.localized("due", "期限"), Console.localized("light", "灯"),
                    "id",
                ],
                incidents.map {
                    [
                        $0.registryNumber ?? "-", $0.status.rawValue, $0.responsibleNode, $0.dueDate ?? "-",
                        $0.light?.rawValue ?? "-", $0.id,
                    ]
                }
            )
        }
    }
}

/// `sync-server escalate`: one deadline sweep, now or as of a day.
struct EscalateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalate",
        abstract: Console.localized(
            "Run one deadline sweep: escalate overdue and returned incidents one level, with supervision cards.",
            "执行一次期限检查：将超期和申请退办的事件上报上一级，并发出督办牌。"
        )
    )
    @OptionGroup var data: DataDirectoryOption
    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp(
            Console.localized(
                "Sweep as at the start of this day, county time (YYYY-MM-DD); default now.",
                "按该日零点（县时间，YYYY-MM-DD）检查；默认为当前时间。"
            )
        )
    ) var asOf: String?

    func run() async throws {
        let now = WallClock.nowMilliseconds()
        var moment = now
        if let asOf {
            guard let date = CalendarDate(asOf) else {
                throw ModelError.invalid(
                    LocalizedText("--as-of must be a date, YYYY-MM-DD.", zh: "--as-of 必须是日期（YYYY-MM-DD）。")
                )
            }
            moment = CountyTime.startOfDay(date)
        }
        let steps = try await data.open().sweepDeadlines(asOf: moment, now: now, actor: Console.operatorName)
        for step in steps {
            print("\(step.incident)  \(step.from) → \(step.to ?? "-")  \(step.card?.rawValue ?? "return")")
        }
        Console.say(
            "Escalated \(steps.count) incidents; agents see it at their next sync.",
            "已上报 \(steps.count) 件事件；各终端将在下次同步时收到。"
        )
    }
}

/// `sync-server calendar import`: the county's working days for the coming year (调休 notice).
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: Console.localized("Load the county's working-day calendar.", "载入县里的工作日历。"),
        subcommands: [Import.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized(
                "Replace the calendar with a file of 'YYYY-MM-DD holiday|workday' lines (see config/calendar-2026.txt).",
                "用日历文件（每行“YYYY-MM-DD holiday|workday”，见 config/calendar-2026.txt）替换工作日历。"
            )
        )
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: ArgumentHelp(Console.localized("The calendar file.", "日历文件。"))) var file: String

        func run() async throws {
            let text = try DataDirectoryOption.readText(file)
            let calendar = try WorkCalendar(parsing: text)
            try await data.open().importCalendar(
                calendar,
                actor: Console.operatorName,
                now: WallClock.nowMilliseconds()
            )
            Console.say(
                "Loaded \(calendar.holidays.count) holidays and \(calendar.makeUpWorkdays.count) make-up working days; agents receive them with their next snapshot.",
                "已载入 \(calendar.holidays.count) 个节假日和 \(calendar.makeUpWorkdays.count) 个调休工作日；各终端将在下次重新下载时收到。"
            )
        }
    }
}
