import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncServer
import Shared

/// `sync-server agents`: enrolling, listing, resyncing and revoking field agents.
struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents",
        abstract: Console.localized("Enroll, list, resync or revoke field agents.", "注册、列出、重新同步或吊销终端。"),
        subcommands: [Enroll.self, List.self, Resync.self, Revoke.self]
    )

    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized(
                "Enroll an agent at a grid node; prints its token alone on the last line.",
                "在某个网格节点注册终端；最后一行单独输出其令牌。"
            )
        )
        @OptionGroup var data: DataDirectoryOption
        @Option(
            help: ArgumentHelp(
                Console.localized("The grid node whose subtree the agent replicates.", "终端同步的网格节点（含其下级）。")
            )
        ) var grid: String
        @Option(
            help: ArgumentHelp(Console.localized("A name for the agent (default: the grid's name).", "终端名称（默认取网格名称）。"))
        ) var name: String?
        @Option(
            help: ArgumentHelp(
                Console.localized(
                    "Keep this replica id: for a laptop enrolled after the backup this store was restored from (its field-agent status shows the id).",
                    "沿用此副本编号：用于在本库所恢复的备份之后注册的终端（其 field-agent status 显示编号）。"
                )
            )
        ) var replica: UInt32?

        func run() async throws {
            let (agent, token) = try await data.open().enroll(
                gridId: grid,
                name: name,
                replica: replica.map { ReplicaID($0) },
                actor: Console.operatorName,
                now: WallClock.nowMilliseconds()
            )
            Console.say(
                "Enrolled agent \(agent.replica.rawValue) (\(agent.name)) at grid \(agent.gridId). Give it this token; it is shown only once:",
                "已在网格 \(agent.gridId) 注册终端 \(agent.replica.rawValue)（\(agent.name)）。请将以下令牌交给该终端，令牌只显示这一次："
            )
            print(token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized("List the enrolled agents.", "列出已注册的终端。")
        )
        @OptionGroup var data: DataDirectoryOption
        @Flag(help: ArgumentHelp(Console.localized("Print JSON.", "输出 JSON。"))) var json = false

        struct Entry: Encodable {
            let replica: UInt32, name: String, gridId: String, enrolledAt: UInt64, lastSyncAt: UInt64?
            let cursor: UInt64, acknowledgedThrough: UInt64, pendingResync: Bool, resyncReason: String?
            let revoked: Bool, revokedAt: UInt64?
        }

        func run() async throws {
            let agents = try await data.open().agents()
            if json {
                return try Console.printJSON(
                    agents.map {
                        Entry(
                            replica: $0.replica.rawValue,
                            name: $0.name,
                            gridId: $0.gridId,
                            enrolledAt: $0.enrolledAt,
                            lastSyncAt: $0.lastSyncAt,
                            cursor: $0.cursor,
                            acknowledgedThrough: $0.acknowledgedThrough,
                            pendingResync: $0.resyncRequestedAt != nil,
                            resyncReason: $0.resyncReason,
                            revoked: $0.revokedAt != nil,
                            revokedAt: $0.revokedAt
                        )
                    }
                )
            }
            Console.printTable(
                [
                    Console.localized("id", "编号"), Console.localized("name", "名称"), Console.localized("grid", "网格"),
                    Console.localized("last sync", "最近同步"), Console.localized("state", "状态"),
                ],
                agents.map { agent in
                    let state =
                        agent.revokedAt != nil
                        ? Console.localized("revoked", "已吊销")
                        : agent.resyncRequestedAt != nil
                            ? Console.localized("resync pending", "待重新同步") : Console.localized("active", "正常")
                    return [
                        "\(agent.replica.rawValue)", agent.name, agent.gridId, Console.time(agent.lastSyncAt), state,
                    ]
                }
            )
        }
    }

    struct Resync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized(
                "Make an agent take a fresh snapshot at its next sync; its unsynced edits are kept.",
                "要求终端在下次同步时重新获取完整快照；其未同步的修改会保留。"
            )
        )
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: ArgumentHelp(Console.localized("The agent's id.", "终端编号。"))) var id: UInt32
        @Option(help: ArgumentHelp(Console.localized("Why, for the audit trail.", "原因，记入审计日志。"))) var reason: String

        func validate() throws {
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError(Console.localized("Give a reason with --reason.", "请用 --reason 说明原因。"))
            }
        }

        func run() async throws {
            try await data.open().requestResync(
                of: ReplicaID(id),
                reason: reason,
                actor: Console.operatorName,
                now: WallClock.nowMilliseconds()
            )
            Console.say("Agent \(id) will take a fresh snapshot at its next sync.", "终端 \(id) 将在下次同步时重新获取完整快照。")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized("Stop an agent's token from working, for good.", "永久吊销终端的令牌。")
        )
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: ArgumentHelp(Console.localized("The agent's id.", "终端编号。"))) var id: UInt32
        @Option(help: ArgumentHelp(Console.localized("Why, for the audit trail.", "原因，记入审计日志。"))) var reason: String?

        func run() async throws {
            try await data.open().revoke(
                ReplicaID(id),
                reason: reason,
                actor: Console.operatorName,
                now: WallClock.nowMilliseconds()
            )
            Console.say("Agent \(id) is revoked; its token no longer works.", "终端 \(id) 已被吊销，其令牌不再有效。")
        }
    }
}
