import Foundation
package import Shared

/// Why the agent refused a command or a sync failed, in one sentence a grid worker can act on.
package struct AgentError: CodedError, Equatable {
    package let code: ErrorCode
    package let message: LocalizedText

    package init(code: ErrorCode, message: LocalizedText) {
        self.code = code
        self.message = message
    }

    static let notEnrolled = AgentError(
        code: .notFound,
        message: LocalizedText(
            "This laptop is not enrolled yet: run field-agent enroll --server URL --token-file FILE first.",
            zh: "本机尚未注册：请先运行 field-agent enroll --server URL --token-file 令牌文件。"
        )
    )

    /// A replica whose server is plain http off this machine, without the worker's consent on record.
    static func plainHTTPNotAccepted(_ url: String) -> AgentError {
        AgentError(
            code: .invalidValue,
            message: LocalizedText(
                "This laptop is enrolled with \(url) over plain http, which was not accepted with --insecure-http; enroll it again with an https:// address.",
                zh: "本机注册的服务器 \(url) 使用明文 http，且注册时未以 --insecure-http 确认；请改用 https:// 地址重新注册。"
            )
        )
    }

    /// The server holds other content under this laptop's dots: the replica was copied or restored.
    static let copiedReplica = AgentError(
        code: .replicaCopied,
        message: LocalizedText(
            "This laptop's data was copied from another laptop, or restored from an older copy, so the county cannot tell its edits apart; ask the county operator for a new token and run field-agent enroll again here: every record and unsent edit is kept.",
            zh: "本机数据是从另一台笔记本复制来的，或从旧备份恢复的，县级无法区分其修改；请向县级管理员申请新令牌，并在本机重新运行 field-agent enroll：所有记录和未上传的修改都会保留。"
        )
    )

    static func reenrolledElsewhere(_ grid: String, was: String) -> AgentError {
        AgentError(
            code: .invalidValue,
            message: LocalizedText(
                "The new token is for grid \(grid), but this laptop keeps grid \(was); ask for a token of grid \(was).",
                zh: "新令牌属于网格 \(grid)，而本机负责网格 \(was)；请申请网格 \(was) 的令牌。"
            )
        )
    }

    static func rebindElsewhere(_ replica: ReplicaID, grid: String) -> AgentError {
        AgentError(
            code: .invalidValue,
            message: LocalizedText(
                "This laptop is replica \(replica.rawValue) of grid \(grid); ask the operator for a token made with sync-server agents enroll --grid \(grid) --replica \(replica.rawValue).",
                zh:
                    "本机是网格 \(grid) 的副本 \(replica.rawValue)；请管理员用 sync-server agents enroll --grid \(grid) --replica \(replica.rawValue) 生成令牌。"
            )
        )
    }

    package static func alreadyEnrolled(_ directory: String) -> AgentError {
        AgentError(
            code: .invalidValue,
            message: LocalizedText(
                "\(directory) already holds an enrolled replica; use another --data-dir to enroll again.",
                zh: "\(directory) 中已有注册过的数据；如需重新注册，请使用另一个 --data-dir。"
            )
        )
    }

    package static let enrollmentUnfinished = AgentError(
        code: .resyncRequired,
        message: LocalizedText(
            "Enrollment has not finished downloading your area: run field-agent sync before editing.",
            zh: "注册时尚未下载完辖区数据：请先运行 field-agent sync 再录入。"
        )
    )

    static func noSuchRecord(_ key: RecordKey) -> AgentError {
        AgentError(
            code: .notFound,
            message: LocalizedText(
                "There is no \(key.type.label.english) \(key.id) on this laptop.",
                zh: "本机没有编号为 \(key.id) 的\(key.type.label.chinese)记录。"
            )
        )
    }

    static func alreadyExists(_ key: RecordKey) -> AgentError {
        AgentError(
            code: .invalidValue,
            message: LocalizedText(
                "\(key.type.label.english.capitalized) \(key.id) already exists.",
                zh: "编号为 \(key.id) 的\(key.type.label.chinese)记录已存在。"
            )
        )
    }

    static func removed(_ key: RecordKey) -> AgentError {
        AgentError(
            code: .invalidValue,
            message: LocalizedText(
                "\(key.type.label.english.capitalized) \(key.id) was removed and cannot be changed.",
                zh: "\(key.type.label.chinese) \(key.id) 已删除，不能再修改。"
            )
        )
    }

    static func movedAway(_ key: RecordKey, grid: String) -> AgentError {
        AgentError(
            code: .outOfScope,
            message: LocalizedText(
                "\(key.type.label.english.capitalized) \(key.id) now belongs to grid \(grid), outside your area.",
                zh: "\(key.type.label.chinese) \(key.id) 现属网格 \(grid)，不在您负责的范围内。"
            )
        )
    }

    static let syncInProgress = AgentError(
        code: .invalidValue,
        message: LocalizedText(
            "Another sync is running on this replica; wait for it to finish.",
            zh: "本机另一个同步正在进行，请等它结束。"
        )
    )

    static func cannotWrite(_ path: String) -> AgentError {
        AgentError(
            code: .internalError,
            message: LocalizedText(
                "Cannot write \(path); check the disk and its permissions.",
                zh: "无法写入 \(path)；请检查磁盘空间和权限。"
            )
        )
    }

    package static func pendingBeforeResync(_ count: Int) -> AgentError {
        AgentError(
            code: .invalidValue,
            message: LocalizedText(
                "\(count) edits are not synced yet: run field-agent sync first, or resync --force (they are kept either way).",
                zh: "有 \(count) 条修改尚未同步：请先运行 field-agent sync，或使用 resync --force（两种方式都会保留这些修改）。"
            )
        )
    }

    package static let residentNeedsGrid = AgentError(
        code: .invalidValue,
        message: LocalizedText(
            "Give the resident's --household or --grid.",
            zh: "请给出居民的 --household（所属住户）或 --grid（所属网格）。"
        )
    )

    static func stepNotAllowed(_ action: IncidentAction, status: IncidentStatus) -> AgentError {
        AgentError(
            code: .invalidValue,
            message: LocalizedText(
                "An incident that is \(status.rawValue) cannot take the step \(action.rawValue).",
                zh: "当前状态为 \(status.rawValue) 的事件不能执行 \(action.rawValue) 操作。"
            )
        )
    }

    static func unknownNode(_ id: String) -> AgentError {
        AgentError(
            code: .invalidValue,
            message: LocalizedText(
                "There is no grid or department \(id); check the code (field-agent status shows yours).",
                zh: "不存在编码为 \(id) 的网格或部门；请核对编码（field-agent status 可查看本机网格）。"
            )
        )
    }

    static let resyncLoop = AgentError(
        code: .resyncRequired,
        message: LocalizedText(
            "The server keeps asking for a fresh copy of your area; try again later or tell the county operator.",
            zh: "服务器反复要求重新下载辖区数据；请稍后再试或告知县级管理员。"
        )
    )
}
