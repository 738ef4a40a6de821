/// An operation of the agent's that the server acknowledged as **set aside** instead of storing.
///
/// An honest agent's operation can meet what its author could not know: its household moved to
/// another village, its grid was removed. Refusing the whole batch would stop every later edit
/// behind it for ever, so the server keeps the operation for an operator (`sync-server set-aside`)
/// and acknowledges it with this notice; the agent undoes it locally and shows the worker why.
public struct SetAsideNotice: Hashable, Sendable {
    /// The operation set aside.
    public var dot: Dot
    /// Why, as a stable error code (`out_of_scope`, `not_permitted`, `invalid_value`, `set_aside`).
    public var code: String
    public var message: String
    public var messageZh: String

    public init(dot: Dot, code: String, message: LocalizedText) {
        self.dot = dot
        self.code = code
        self.message = message.english
        self.messageZh = message.chinese
    }

    public var localizedText: LocalizedText { LocalizedText(message, zh: messageZh) }
}
