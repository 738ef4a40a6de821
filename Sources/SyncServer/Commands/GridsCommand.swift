import ArgumentParser
import ConsoleSupport
import Foundation
import GridSyncServer
import Shared

/// `sync-server grids`: the county's grid tree.
struct GridsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grids",
        abstract: Console.localized("Import, load or list the grid tree.", "导入、载入或列出网格树。"),
        subcommands: [Import.self, Demo.self, List.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized(
                "Add grid nodes from a CSV file with header id,parent_id,level,name,kind; all or nothing.",
                "从 CSV 文件（表头 id,parent_id,level,name,kind）添加网格节点；全部成功或全部不导入。"
            )
        )
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: ArgumentHelp(Console.localized("The CSV file.", "CSV 文件。"))) var file: String

        func run() async throws {
            let text = try DataDirectoryOption.readText(file)
            let nodes = try GridCSV.parse(text)
            do {
                try await data.open().addGrids(
                    nodes.map(\.node),
                    actor: Console.operatorName,
                    now: WallClock.nowMilliseconds()
                )
            } catch let error as ModelError {
                throw GridCSV.locate(error, in: nodes)
            }
            Console.say("Imported \(nodes.count) grid nodes.", "已导入 \(nodes.count) 个网格节点。")
        }
    }

    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Console.localized(
                "Load the demo county (Fumeng's 5,459 grids and about 150,000 synthetic households) into an empty data directory.",
                "向空数据目录载入演示县（阜蒙县 5459 个网格、约 15 万户虚构住户）。"
            )
        )
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            let database = try data.open()
            let onTerminal = isatty(STDERR_FILENO) == 1
            let totals = try await database.loadDemoCounty(
                now: WallClock.nowMilliseconds(),
                actor: Console.operatorName,
                householdScale: 1,
                withResidents: true
            ) { done, total in
                guard onTerminal else { return }
                FileHandle.standardError.write(
                    Data("\r\(Console.localized("Loading townships", "正在载入乡镇")) \(done)/\(total)".utf8)
                )
                if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
            }
            Console.say(
                "Loaded the demo county: \(DemoCounty.grids().count) grid nodes, \(totals.households) households, \(totals.residents) residents (all synthetic).",
                "演示县已载入：\(DemoCounty.grids().count) 个网格节点，\(totals.households) 户，\(totals.residents) 名居民（均为虚构）。"
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: Console.localized("List the grid nodes.", "列出网格节点。"))
        @OptionGroup var data: DataDirectoryOption
        @Flag(help: ArgumentHelp(Console.localized("Print JSON.", "输出 JSON。"))) var json = false

        func run() async throws {
            let grids = try await data.open().grids()
            if json { return Console.printJSON(grids) }
            Console.printTable(
                [
                    Console.localized("id", "编码"), Console.localized("level", "级别"), Console.localized("kind", "类型"),
                    Console.localized("name", "名称"),
                ],
                grids.map { [$0.id, "\($0.level.rawValue)", $0.kind.rawValue, $0.name] }
            )
        }
    }
}
