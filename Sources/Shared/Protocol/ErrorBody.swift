/// The body of every error response: a stable code and one sentence in each language.
///
/// Clients act on ``code``; ``message`` and ``messageZh`` are for the person reading the screen.
public struct ErrorBody: Hashable, Sendable {
    public var code: ErrorCode
    public var message: String
    public var messageZh: String
    /// The operations at fault, when the error concerns some of a batch (drift, scope, validation).
    public var dots: [Dot]?

    public init(code: ErrorCode, message: LocalizedText, dots: [Dot]? = nil) {
        self.code = code
        self.message = message.english
        self.messageZh = message.chinese
        self.dots = dots
    }

    public init(_ error: some CodedError, dots: [Dot]? = nil) {
        self.init(code: error.code, message: error.message, dots: dots)
    }

    public var localizedText: LocalizedText { LocalizedText(message, zh: messageZh) }
}
