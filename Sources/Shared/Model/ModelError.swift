/// A record or operation that breaks the model's rules, refused before anything is written.
public struct ModelError: CodedError, Equatable, CustomStringConvertible {
    public let code: ErrorCode
    public let message: LocalizedText
    /// The field at fault, or the grid node's id for errors in the grid tree, when there is one.
    public let field: String?

    public var description: String { message.english }

    /// Why a value was refused; each reason reads as the end of a sentence naming the field.
    public enum Reason: Sendable, Equatable {
        case type, date, phone, gridNodeID, recordID, required, notWritable
        case textLength(Int)
        case notOneOf([String])
        case range(ClosedRange<Int64>)
        case idNumberFormat, idNumberBirthDate, idNumberCheckDigit
        case elementNotInSet, notASet

        var text: LocalizedText {
            switch self {
            case .type: LocalizedText("has the wrong type of value", zh: "的取值类型不对")
            case .date: LocalizedText("must be a date written YYYY-MM-DD", zh: "必须是 YYYY-MM-DD 格式的日期")
            case .phone:
                LocalizedText(
                    "must be an 11-digit mobile number or a landline with area code",
                    zh: "必须是11位手机号或带区号的固定电话"
                )
            case .gridNodeID:
                LocalizedText(
                    "must be a grid code of letters, digits, '-' or '_'",
                    zh: "必须是由字母、数字、“-”或“_”组成的网格编码"
                )
            case .recordID: LocalizedText("must be a record id (UUID)", zh: "必须是记录编号（UUID）")
            case .required: LocalizedText("is required", zh: "为必填项")
            case .notWritable: LocalizedText("cannot be set directly", zh: "不能直接修改")
            case .textLength(let max):
                LocalizedText(
                    "must be non-empty text of at most \(max) characters, without control characters",
                    zh: "必须是不超过\(max)个字符且不含控制字符的非空文本"
                )
            case .notOneOf(let allowed):
                LocalizedText(
                    "must be one of: \(allowed.joined(separator: ", "))",
                    zh: "必须是以下之一：\(allowed.joined(separator: "、"))"
                )
            case .range(let range):
                LocalizedText(
                    "must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                    zh: "必须是\(range.lowerBound)到\(range.upperBound)之间的整数"
                )
            case .idNumberFormat:
                LocalizedText(
                    "must be 18 characters: 17 digits and a check digit (0-9 or uppercase X)",
                    zh: "必须是18位：17位数字加1位校验码（0-9或大写X）"
                )
            case .idNumberBirthDate:
                LocalizedText("holds a birth date that does not exist", zh: "中的出生日期不存在")
            case .idNumberCheckDigit:
                LocalizedText("has a wrong check digit (GB 11643)", zh: "的校验码不正确（GB 11643）")
            case .elementNotInSet:
                LocalizedText("is a set: use add and remove", zh: "是集合字段，请使用添加和移除")
            case .notASet:
                LocalizedText("holds a single value, not a set: write it with set", zh: "是单值字段而非集合，请直接修改其取值")
            }
        }
    }

    public static func invalidValue(field: String, reason: Reason) -> ModelError {
        let text = reason.text
        return ModelError(
            code: .invalidValue,
            message: LocalizedText("The field \(field) \(text.english).", zh: "字段 \(field) \(text.chinese)。"),
            field: field
        )
    }

    public static func unknownField(_ field: String, type: RecordType) -> ModelError {
        ModelError(
            code: .unknownField,
            message: LocalizedText(
                "A \(type.rawValue) has no field named \(field).",
                zh: "\(type.rawValue) 记录没有名为 \(field) 的字段。"
            ),
            field: field
        )
    }

    /// A kind, record type or action the protocol does not define (`unknown_kind`): `what` names it,
    /// for example ("record type", "记录类型").
    public static func unknownName(
        _ value: String,
        field: String,
        what: (english: String, chinese: String)
    ) -> ModelError {
        ModelError(
            code: .unknownKind,
            message: LocalizedText(
                "The \(what.english) \"\(value)\" is not known.",
                zh: "未知的\(what.chinese)“\(value)”。"
            ),
            field: field
        )
    }

    /// A key an object of the protocol does not have (`unknown_field`); `owner` names the object.
    static func unknownKey(_ key: String, owner: (english: String, chinese: String)) -> ModelError {
        ModelError(
            code: .unknownField,
            message: LocalizedText("\(owner.english) has no key named \(key).", zh: "\(owner.chinese)没有名为 \(key) 的键。"),
            field: key
        )
    }

    public static func invalid(_ message: LocalizedText) -> ModelError {
        ModelError(code: .invalidValue, message: message, field: nil)
    }

    /// A grid node that breaks the tree; `field` holds its id so importers can point at its line.
    public static func invalidNode(_ id: String, _ message: LocalizedText) -> ModelError {
        ModelError(code: .invalidValue, message: message, field: id)
    }
}
