import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncAgent
import Shared

/// `field-agent sync`: the evening's exchange with the county server.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: Console.localized(
            "Send this laptop's changes to the county server and receive everyone else's.",
            "将本机的修改上传到县级服务器，并接收其他人的修改。"
        )
    )
    @OptionGroup var data: DataDirectoryOption
    @OptionGroup var network: NetworkOptions
    @Flag(help: ArgumentHelp(Console.localized("Print the summary as JSON.", "以 JSON 输出结果。"))) var json = false

    func run() throws {
        let home = data.home
        let database = try home.database()
        let client = try network.client(for: home, database)
        let summary = try home.withSyncLock { try Self.synchronizer(database, client).sync() }
        try Self.report(summary, json: json)
    }

    static func synchronizer(_ database: AgentDatabase, _ client: ServerClient) -> Synchronizer {
        let progress = ProgressBar(language: Console.language)
        client.onRetry = { attempt, failure in
            progress.finish()
            Console.error(
                LocalizedText(
                    "Retrying (attempt \(attempt)): \(failure.message.english)",
                    zh: "正在重试（第 \(attempt) 次）：\(failure.message.chinese)"
                )
            )
        }
        return Synchronizer(database: database, client: client, progress: progress)
    }

    /// The one-line summary, with a warning first when the laptop's clock is off.
    static func report(_ summary: SyncSummary, json: Bool) throws {
        if let offset = summary.clockOffsetMilliseconds {
            let minutes = abs(offset) / 60_000
            Console.error(
                offset > 0
                    ? LocalizedText(
                        "Warning: this laptop's clock is \(minutes) minutes ahead of the server's; please set the correct time.",
                        zh: "警告：本机时钟比服务器快 \(minutes) 分钟，请校准时间。"
                    )
                    : LocalizedText(
                        "Warning: this laptop's clock is \(minutes) minutes behind the server's; please set the correct time.",
                        zh: "警告：本机时钟比服务器慢 \(minutes) 分钟，请校准时间。"
                    )
            )
        }
        if json { return try Console.printJSON(summary) }
        if summary.restamped > 0 {
            Console.say(
                "The clock was ahead when \(summary.restamped) unsent edits were made; they were given the corrected time before sending.",
                "有 \(summary.restamped) 条未上传的修改是在本机时钟偏快时做的，上传前已改用校准后的时间。"
            )
        }
        if summary.repaired > 0 {
            Console.say(
                "This laptop's copy differed from the county's: \(summary.repaired) records were fetched again and now match.",
                "本机数据与县级数据不一致：已重新获取 \(summary.repaired) 条记录，现已一致。"
            )
        }
        if summary.resent > 0 {
            Console.say(
                "The county's store had been restored from an older backup: \(summary.resent) of your edits it had lost were sent again.",
                "县级数据曾从较早的备份恢复：其丢失的您的 \(summary.resent) 条修改已重新上传。"
            )
        }
        if summary.unreadable > 0 {
            Console.say(
                "The county server runs a newer release: \(summary.unreadable) changes it sent are kept here unread until you update field-agent; everything else synced.",
                "县级服务器使用的是更新的版本：其发来的 \(summary.unreadable) 条变更暂存本机、尚未读取，请升级 field-agent；其余内容已同步。"
            )
        }
        if summary.setAside > 0 {
            Console.say(
                "The county server set aside \(summary.setAside) of your edits and undid them here; field-agent set-aside list says why.",
                "县级服务器搁置了您的 \(summary.setAside) 条修改，本机已撤销这些修改；运行 field-agent set-aside list 查看原因。"
            )
        }
        if summary.snapshotRecords > 0 {
            Console.say(
                "Took a fresh copy of your area: \(summary.snapshotRecords) records.",
                "已重新下载辖区数据：\(summary.snapshotRecords) 条记录。"
            )
        }
        Console.say(
            "Synced: pushed \(summary.pushed), pulled \(summary.pulled), conflicts \(summary.conflicts).",
            "同步完成：上传 \(summary.pushed) 条，下载 \(summary.pulled) 条，冲突 \(summary.conflicts) 处。"
        )
    }
}

/// `field-agent resync`: a fresh copy of the area from the server, keeping every local edit.
struct ResyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resync",
        abstract: Console.localized(
            "Download a fresh copy of your area; edits not yet synced are kept and sent at the next sync.",
            "重新下载辖区数据；尚未同步的修改会保留，并在下次同步时上传。"
        )
    )
    @OptionGroup var data: DataDirectoryOption
    @OptionGroup var network: NetworkOptions
    @Flag(
        help: ArgumentHelp(
            Console.localized(
                "Resync now, without syncing the pending edits first.",
                "立即重新下载，不先上传待同步的修改。"
            )
        )
    ) var force = false

    func run() throws {
        let home = data.home
        let database = try home.database()
        let client = try network.client(for: home, database)
        let pending = try database.pendingCount()
        if pending > 0 && !force {
            throw AgentError.pendingBeforeResync(pending)
        }
        let records = try home.withSyncLock { try SyncCommand.synchronizer(database, client).resync() }
        Console.say(
            "Resynced: \(records) records of your area; \(pending) edits not yet synced are kept and go at the next sync.",
            "重新下载完成：辖区数据 \(records) 条；\(pending) 条尚未同步的修改已保留，将在下次同步时上传。"
        )
    }
}
