import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncAgent
import Shared

/// `field-agent status`: where this laptop's sync stands, and in plain words what to do about a failure.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: Console.localized(
            "Show the server, grid, pending edits, last sync and what went wrong last.",
            "显示服务器、网格、待同步修改、上次同步情况以及最近一次失败的原因。"
        )
    )
    @OptionGroup var data: DataDirectoryOption
    @Flag(help: ArgumentHelp(Console.localized("Print JSON.", "输出 JSON。"))) var json = false

    struct Report: Encodable {
        let server: String
        let gridId: String
        let agentName: String
        let replica: UInt32
        let lastSyncAt: UInt64?
        /// When the replica was last found byte-identical to the county's store (digests matched).
        let lastVerifiedAt: UInt64?
        let pendingOperations: Int
        let acknowledgedThrough: UInt64
        let cursor: UInt64
        let openConflicts: Int
        /// Edits the server set aside and this laptop undid (`field-agent set-aside list`).
        let setAside: Int
        /// Pulled changes of a newer server release, kept unread until field-agent is updated.
        let unreadable: Int
        let snapshotNeeded: Bool
        let clockOffsetMilliseconds: Int64?
        let lastFailure: Failure?

        struct Failure: Encodable {
            let code: String
            let message: String
            let advice: String
            let at: UInt64
        }
    }

    func run() throws {
        let database = try data.database()
        let replica = try database.replicaState()
        let report = Report(
            server: replica.serverURL,
            gridId: replica.gridId,
            agentName: replica.agentName,
            replica: replica.replica.rawValue,
            lastSyncAt: replica.lastSyncAt,
            lastVerifiedAt: replica.verifiedAt,
            pendingOperations: try database.pendingCount(),
            acknowledgedThrough: replica.acknowledged,
            cursor: replica.cursor,
            openConflicts: try database.conflictedRecordCount(),
            setAside: try database.setAsideOperations().count,
            unreadable: try database.unreadableCount(),
            snapshotNeeded: replica.snapshotNeeded,
            clockOffsetMilliseconds: replica.clockOffsetMilliseconds,
            lastFailure: replica.failure.map {
                Report.Failure(
                    code: $0.code,
                    message: $0.message.text(in: Console.language),
                    advice: Self.advice(for: $0.code).text(in: Console.language),
                    at: $0.at
                )
            }
        )
        if json { return try Console.printJSON(report) }
        let rows: [(String, String, String)] = [
            ("Server", "服务器", report.server),
            (
                "Grid", "网格",
                "\(report.gridId) (\(report.agentName), \(Console.localized("replica", "副本")) \(report.replica))"
            ),
            ("Last sync", "上次同步", Console.time(report.lastSyncAt)),
            ("Last verified equal to the county's", "上次核对与县级一致", Console.time(report.lastVerifiedAt)),
            ("Pending edits", "待同步修改", "\(report.pendingOperations)"),
            ("Cursor", "同步位置", "\(report.cursor)"),
            ("Open conflicts", "未解决冲突", "\(report.openConflicts)"),
            ("Set aside by the server", "被服务器搁置", "\(report.setAside)"),
        ]
        Console.printTable(["", ""], rows.map { [Console.localized($0.0, $0.1), $0.2] })
        if report.unreadable > 0 {
            Console.say(
                "Update field-agent: the county server runs a newer release, and \(report.unreadable) of its changes wait here unread.",
                "请升级 field-agent：县级服务器使用的是更新的版本，其 \(report.unreadable) 条变更在本机等待读取。"
            )
        }
        if report.setAside > 0 {
            Console.say(
                "The county server set aside \(report.setAside) of your edits; field-agent set-aside list shows each with the reason, and the county operator decides on them.",
                "县级服务器搁置了您的 \(report.setAside) 条修改；运行 field-agent set-aside list 查看每条修改及原因，由县级管理员处理。"
            )
        }
        if report.snapshotNeeded {
            Console.say(
                "Your area will be downloaded afresh at the next sync.",
                "下次同步时将重新下载辖区数据。"
            )
        }
        if let failure = report.lastFailure {
            Console.say(
                "Last sync failed at \(Console.time(failure.at)): \(failure.message)",
                "上次同步于 \(Console.time(failure.at)) 失败：\(failure.message)"
            )
            Console.say("What to do: \(failure.advice)", "处理建议：\(failure.advice)")
        }
    }

    /// What a grid worker can do about each kind of failure.
    static func advice(for code: String) -> LocalizedText {
        switch code {
        case "network":
            LocalizedText(
                "nothing is lost; run field-agent sync again when the signal is better.",
                zh: "数据没有丢失；信号好一些时再运行 field-agent sync。"
            )
        case ErrorCode.unauthorized.rawValue:
            LocalizedText(
                "this laptop's token was refused; ask the county operator for a new token (if the county's store was restored from a backup, one for this laptop's replica id, with --replica), then run field-agent enroll again here.",
                zh: "本机令牌被拒绝；请向县级管理员申请新令牌（若县级数据曾从备份恢复，须用 --replica 指定本机副本编号），然后在本机再次运行 field-agent enroll。"
            )
        case ErrorCode.clockDrift.rawValue:
            LocalizedText(
                "set the laptop's date and time correctly, then sync again.",
                zh: "请把本机的日期和时间调准，然后再同步。"
            )
        case ErrorCode.outOfScope.rawValue, ErrorCode.invalidValue.rawValue, ErrorCode.unknownField.rawValue,
            ErrorCode.missingDependency.rawValue, ErrorCode.notPermitted.rawValue:
            LocalizedText(
                "the server refused some edits; your edits are kept here; tell the county operator what the message says.",
                zh: "服务器拒收了部分修改；这些修改仍保存在本机；请把上面的提示告知县级管理员。"
            )
        case ErrorCode.replicaCopied.rawValue:
            LocalizedText(
                "ask the county operator for a new token and run field-agent enroll again on this laptop; nothing is lost.",
                zh: "请向县级管理员申请新令牌，并在本机重新运行 field-agent enroll；数据不会丢失。"
            )
        case ErrorCode.unsupportedVersion.rawValue:
            LocalizedText("update field-agent to the county's version.", zh: "请把 field-agent 升级到县里使用的版本。")
        default:
            LocalizedText(
                "try field-agent sync again later; if it keeps failing, tell the county operator.",
                zh: "请稍后再运行 field-agent sync；如果一直失败，请告知县级管理员。"
            )
        }
    }
}

/// `field-agent conflicts`: fields edited concurrently, with every value, who wrote it and when.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: Console.localized(
            "List conflicting edits with every value; edit the field again to resolve one.",
            "列出冲突的修改及其所有取值；再次修改该字段即可解决。"
        )
    )
    @OptionGroup var data: DataDirectoryOption
    @Flag(help: ArgumentHelp(Console.localized("Print JSON.", "输出 JSON。"))) var json = false

    func run() throws {
        let conflicts = try data.database().conflictedRecords().flatMap(\.conflicts).map(ConflictView.init)
        if json { return try Console.printJSON(conflicts) }
        if conflicts.isEmpty { return Console.say("No conflicts.", "没有冲突。") }
        for conflict in conflicts {
            print("\(conflict.type.rawValue) \(conflict.id) \(conflict.field)")
            for value in conflict.values {
                let mark = value.value == conflict.visible ? "*" : " "
                print(
                    "  \(mark) \(value.value)  ← \(Console.localized("replica", "副本")) \(value.replica), \(Console.time(value.writtenAt))"
                )
            }
        }
        Console.say(
            "* marks the value shown now. To resolve, edit the field again: field-agent household update ID --set FIELD=VALUE.",
            "* 表示当前显示的取值。再次修改该字段即可解决，例如：field-agent household update 编号 --set 字段=取值。"
        )
    }
}
