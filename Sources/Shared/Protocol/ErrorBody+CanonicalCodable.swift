/// `{"code","dots","message","messageZh"}`; `dots` is left out when the error names no operation.
extension ErrorBody: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in
            writer.field("code", code.rawValue)
            writer.field("dots", ifPresent: dots)
            writer.field("message", message)
            writer.field("messageZh", messageZh)
        }
    }

    /// A code this release does not know is refused: the caller then says what it can without it.
    public init(from reader: inout CanonicalReader) throws {
        var code: ErrorCode?
        var message: String?
        var messageZh: String?
        var dots: [Dot]?
        try reader.object { reader, key in
            switch key {
            case "code": code = try reader.name(ErrorCode.self, "error code")
            case "message": message = try reader.string()
            case "messageZh": messageZh = try reader.string()
            case "dots": dots = try reader.optional([Dot].self)
            default: try reader.skipValue()
            }
        }
        guard let code else { throw reader.missing("code") }
        guard let message else { throw reader.missing("message") }
        guard let messageZh else { throw reader.missing("messageZh") }
        self.init(code: code, message: LocalizedText(message, zh: messageZh), dots: dots)
    }
}
