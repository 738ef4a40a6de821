import ArgumentParser
import ConsoleSupport
import GridSyncServer
import Shared

/// Shows the merge at work on one household: two workers edit it offline, the county merges,
/// the conflict is shown with both values, and a later edit resolves it.
///
/// A stand-in for the daemon until `sync-server serve` exists; it touches no files.
struct MergeDemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-demo",
        abstract: Console.localized(
            "Show two offline edits of one household merging, conflicting and being resolved.",
            "演示同一住户的两处离线修改如何合并、产生冲突并得到解决。"
        )
    )

    func run() throws {
        let language = Language.current
        func say(_ english: String, _ chinese: String) { print(LocalizedText(english, zh: chinese).text(in: language)) }

        var county = InMemoryReplica(replica: .server)
        var village = InMemoryReplica(replica: ReplicaID(1))
        var group = InMemoryReplica(replica: ReplicaID(2))
        let household = RecordKey(type: .household, id: RecordID.make(nowMilliseconds: 1_764_374_400_000))
        let morning: UInt64 = 1_764_374_400_000

        let created = village.write(
            .create(["gridId": .string("fm-01-01-01-01"), "address": .string("新华村3组12号"), "headName": .string("包金山")]),
            to: household,
            now: morning
        )
        county.receive(created)
        group.receive(created)
        say("Morning: both workers have household \(household.id).", "上午：两位网格员都有住户 \(household.id)。")

        let villageEdits = [
            village.write(.set(["phone": .string("13800000001")]), to: household, now: morning + 3_600_000),
            village.write(.set(["note": .string("新装自来水")]), to: household, now: morning + 3_700_000),
        ]
        let groupEdits = [
            group.write(.set(["phone": .string("13900000002")]), to: household, now: morning + 5_400_000),
            group.write(.set(["address": .string("新华村3组14号")]), to: household, now: morning + 5_500_000),
        ]
        say(
            "Offline: the village worker sets phone and note; the group leader sets phone and address.",
            "离线期间：村网格员修改了电话和备注；村民小组长修改了电话和地址。"
        )

        for operation in villageEdits + groupEdits { county.receive(operation) }
        for operation in groupEdits { village.receive(operation) }
        for operation in villageEdits { group.receive(operation) }
        let merged = county.records[household]!
        say("Evening sync: the county merges all four edits.", "晚间同步：县级服务器合并了全部四项修改。")
        for field in ["address", "note", "phone"] {
            print("  \(field) = \(merged.visibleValue(of: field)?.description ?? "-")")
        }
        for conflict in merged.conflicts {
            say("Conflict on \(conflict.field), every value kept:", "字段 \(conflict.field) 存在冲突，所有取值均已保留：")
            for value in conflict.values {
                print("    \(value.value) ← r\(value.dot.replica.rawValue) @ \(value.hlc)")
            }
        }

        let resolution = village.write(.set(["phone": .string("13800000001")]), to: household, now: morning + 7_200_000)
        county.receive(resolution)
        group.receive(resolution)
        say(
            "The village worker confirms the phone by editing it again: conflicts left \(county.records[household]!.conflicts.count).",
            "村网格员再次编辑电话予以确认：剩余冲突 \(county.records[household]!.conflicts.count) 个。"
        )
        let identical = [village, group].allSatisfy {
            CanonicalJSON.encode($0.canonicalRecords) == CanonicalJSON.encode(county.canonicalRecords)
        }
        say("All three replicas identical: \(identical ? "yes" : "no").", "三个副本完全一致：\(identical ? "是" : "否")。")
    }
}
