import Shared

/// Why the server refused a sync exchange; nothing from the request was written.
struct ExchangeError: CodedError, Equatable {
    let code: ErrorCode
    let message: LocalizedText
    /// The operations at fault, when the error concerns part of a batch.
    var dots: [Dot]? = nil
    /// True for what an honest agent can meet because the server knows more than it did (its
    /// record moved away, its grid changed): the operation is set aside, not the batch refused.
    var setsAside = false

    /// The same refusal, marked as one that sets its operation aside.
    func settingAside() -> ExchangeError {
        var error = self
        error.setsAside = true
        return error
    }

    static func storeRolledBack(needs dot: Dot) -> ExchangeError {
        ExchangeError(
            code: .storeRolledBack,
            message: LocalizedText(
                "The county's store was restored from an older backup and holds this laptop's operations only up to \(dot.counter - 1); send again from \(dot), then take a fresh snapshot.",
                zh: "县级数据已从较早的备份恢复，只保存了本机 \(dot.counter - 1) 号及以前的操作；请从 \(dot) 起重新发送，然后重新获取完整数据。"
            ),
            dots: [dot]
        )
    }

    static func replicaCopied(_ dot: Dot) -> ExchangeError {
        ExchangeError(
            code: .replicaCopied,
            message: LocalizedText(
                "Operation \(dot) differs from the one the county already holds under that number: this laptop's data was copied from another laptop, or restored from an older copy; enroll it again with a new token, and nothing it holds is lost.",
                zh: "操作 \(dot) 与县级已保存的同号操作内容不同：本机数据是从另一台笔记本复制来的，或从旧备份恢复的；请用新令牌重新注册本机，本机数据不会丢失。"
            ),
            dots: [dot]
        )
    }

    static func dependsOnSetAside(_ dot: Dot, _ earlier: Dot) -> ExchangeError {
        ExchangeError(
            code: .setAside,
            message: LocalizedText(
                "Operation \(dot) builds on operation \(earlier), which was set aside, so it is set aside too.",
                zh: "操作 \(dot) 基于已被搁置的操作 \(earlier)，因此也被搁置。"
            ),
            dots: [dot],
            setsAside: true
        )
    }

    static func outOfScope(_ dot: Dot, agentGrid: String) -> ExchangeError {
        ExchangeError(
            code: .outOfScope,
            message: LocalizedText(
                "Operation \(dot) touches a record outside grid \(agentGrid); nothing from this batch was stored.",
                zh: "操作 \(dot) 涉及网格 \(agentGrid) 以外的记录，本批次未保存任何内容。"
            ),
            dots: [dot]
        )
    }

    static func missingDependency(_ dot: Dot) -> ExchangeError {
        ExchangeError(
            code: .missingDependency,
            message: LocalizedText(
                "Operation \(dot) depends on an operation the server has not received; send the outbox from its first unacknowledged operation.",
                zh: "操作 \(dot) 依赖服务器尚未收到的操作，请从第一条未确认的操作起重新发送。"
            ),
            dots: [dot]
        )
    }

    static func notAuthor(_ dot: Dot) -> ExchangeError {
        ExchangeError(
            code: .invalidValue,
            message: LocalizedText(
                "Operation \(dot) was not authored by this agent, and an agent may only send its own operations.",
                zh: "操作 \(dot) 不是本终端生成的，终端只能上传自己的操作。"
            ),
            dots: [dot]
        )
    }

    static func serverOnly(_ dot: Dot) -> ExchangeError {
        ExchangeError(
            code: .invalidValue,
            message: LocalizedText(
                "Operation \(dot) registers an incident, which only the county server does.",
                zh: "操作 \(dot) 试图为事件挂号，只有县级服务器可以挂号。"
            ),
            dots: [dot]
        )
    }

    static func unknownGrid(_ grid: String, dot: Dot) -> ExchangeError {
        ExchangeError(
            code: .invalidValue,
            message: LocalizedText(
                "Operation \(dot) names grid \(grid), which does not exist.",
                zh: "操作 \(dot) 指定的网格 \(grid) 不存在。"
            ),
            dots: [dot]
        )
    }

    static func notAGroup(_ grid: String, dot: Dot) -> ExchangeError {
        ExchangeError(
            code: .invalidValue,
            message: LocalizedText(
                "Operation \(dot) puts a household or resident in grid \(grid), but they belong to a level-4 grid.",
                zh: "操作 \(dot) 将住户或居民登记在网格 \(grid)，但住户和居民只能属于四级网格。"
            ),
            dots: [dot]
        )
    }

    static func alreadyExists(_ dot: Dot, _ record: RecordKey) -> ExchangeError {
        ExchangeError(
            code: .invalidValue,
            message: LocalizedText(
                "Operation \(dot) creates \(record), which already exists; change it with set instead.",
                zh: "操作 \(dot) 试图新建已存在的记录 \(record)，请改用修改操作。"
            ),
            dots: [dot]
        )
    }

    static func noHousehold(_ dot: Dot, _ id: String, agentGrid: String) -> ExchangeError {
        ExchangeError(
            code: .outOfScope,
            message: LocalizedText(
                "Operation \(dot) puts a resident in household \(id), which does not exist in grid \(agentGrid).",
                zh: "操作 \(dot) 将居民登记到住户 \(id)，但网格 \(agentGrid) 内没有这个住户。"
            ),
            dots: [dot]
        )
    }

    static func wrongNode(_ dot: Dot, agentGrid: String) -> ExchangeError {
        ExchangeError(
            code: .notPermitted,
            message: LocalizedText(
                "Operation \(dot) records an incident step for another node; an agent acts for its own grid \(agentGrid).",
                zh: "操作 \(dot) 以其他单位的名义办理事件；终端只能以本网格 \(agentGrid) 的名义办理。"
            ),
            dots: [dot]
        )
    }

    /// A replica's clock readings only rise, and each one orders after everything its author saw.
    static func clockWentBack(_ dot: Dot) -> ExchangeError {
        ExchangeError(
            code: .invalidValue,
            message: LocalizedText(
                "Operation \(dot) is stamped earlier than what its author had already written or seen; a replica's clock only moves forward.",
                zh: "操作 \(dot) 的时间戳早于其作者已写入或已见到的内容；副本的时钟只能向前。"
            ),
            dots: [dot]
        )
    }

    static func tooManyOperations(_ count: Int, limit: Int) -> ExchangeError {
        ExchangeError(
            code: .payloadTooLarge,
            message: LocalizedText(
                "The batch holds \(count) operations and the server takes at most \(limit) at once; send the outbox in smaller batches.",
                zh: "本批次有 \(count) 条操作，服务器每次最多接收 \(limit) 条，请分成较小的批次发送。"
            )
        )
    }

    static func invalid(_ error: ModelError, dot: Dot) -> ExchangeError {
        ExchangeError(
            code: error.code,
            message: LocalizedText(
                "Operation \(dot): \(error.message.english)",
                zh: "操作 \(dot)：\(error.message.chinese)"
            ),
            dots: [dot]
        )
    }

    static func clockDrift(_ dots: [Dot], bound: UInt64) -> ExchangeError {
        ExchangeError(
            code: .clockDrift,
            message: LocalizedText(
                "The laptop's clock is more than \(bound / 60_000) minutes ahead of the county server's; set the clock right and sync again.",
                zh: "笔记本电脑的时钟比县级服务器快了\(bound / 60_000)分钟以上，请校准时钟后重新同步。"
            ),
            dots: dots
        )
    }

    static func resyncRequired(reason: String?) -> ExchangeError {
        let why = reason.map { " (\($0))" } ?? ""
        return ExchangeError(
            code: .resyncRequired,
            message: LocalizedText(
                "The server needs this agent to take a fresh snapshot before it syncs again\(why).",
                zh: "服务器要求本终端先重新获取完整快照再同步\(why)。"
            )
        )
    }

    static let unauthorized = ExchangeError(
        code: .unauthorized,
        message: LocalizedText(
            "The agent's token is missing, unknown or revoked; ask the county operator to enroll this laptop again.",
            zh: "终端令牌缺失、无效或已被吊销，请联系县级管理员重新注册本终端。"
        )
    )

    static func unsupportedVersion(_ version: Int) -> ExchangeError {
        ExchangeError(
            code: .unsupportedVersion,
            message: LocalizedText(
                "Protocol version \(version) is not supported; this server speaks version \(ProtocolVersion.current).",
                zh: "不支持协议版本 \(version)，本服务器使用版本 \(ProtocolVersion.current)。"
            )
        )
    }
}
