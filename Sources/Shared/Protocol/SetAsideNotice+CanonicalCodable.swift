/// `{"code","dot","message","messageZh"}`.
extension SetAsideNotice: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        writer.object { writer in
            writer.field("code", code)
            writer.field("dot", dot)
            writer.field("message", message)
            writer.field("messageZh", messageZh)
        }
    }

    /// The messages are for people: a notice without them still names the operation and why.
    public init(from reader: inout CanonicalReader) throws {
        var dot: Dot?
        var code: String?
        var message = ""
        var messageZh = ""
        try reader.object { reader, key in
            switch key {
            case "dot": dot = try reader.read()
            case "code": code = try reader.string()
            case "message": message = try reader.string()
            case "messageZh": messageZh = try reader.string()
            default: try reader.skipValue()
            }
        }
        guard let dot, let code else { throw reader.missing("dot") }
        self.init(dot: dot, code: code, message: LocalizedText(message, zh: messageZh))
    }
}
