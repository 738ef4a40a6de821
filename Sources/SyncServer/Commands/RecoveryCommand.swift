import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncServer
import Shared

/// `sync-server recovery`: after restoring a backup, what the laptops have sent again and what
/// none of them kept.
struct RecoveryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recovery",
        abstract: Console.localized(
            "After restoring a backup: what each laptop sent again, and what no laptop kept.",
            "恢复备份后：各终端重新上传了多少，有多少已无任何终端保存。"
        )
    )
    @OptionGroup var data: DataDirectoryOption
    @Flag(help: ArgumentHelp(Console.localized("Print JSON.", "输出 JSON。"))) var json = false

    func run() async throws {
        let report = try await data.open().recoveryReport()
        if json { return try Console.printJSON(report) }
        guard let notSynced = report.notSyncedSince else {
            return Console.say(
                "No laptop has reported a restore of this store.",
                "尚无终端报告本库曾从备份恢复。"
            )
        }
        Console.printTable(
            [
                Console.localized("id", "编号"), Console.localized("name", "名称"), Console.localized("grid", "网格"),
                Console.localized("sent again", "重新上传"), Console.localized("lost", "已丢失"),
                Console.localized("when", "时间"),
            ],
            report.agents.map {
                ["\($0.replica)", $0.name, $0.gridId, "\($0.resent)", "\($0.lost)", Console.time($0.at)]
            }
        )
        Console.say(
            "\(report.agents.count) laptops sent again \(report.resent) operations; \(report.lost) operations no laptop kept are lost; \(notSynced) laptops have not synced since the first report.",
            "\(report.agents.count) 台终端重新上传了 \(report.resent) 条操作；\(report.lost) 条操作已无终端保存，无法找回；\(notSynced) 台终端自首次报告以来尚未同步。"
        )
    }
}
