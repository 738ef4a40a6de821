extension SyncOperation {
    /// Checks the operation against its record type's schema: known fields, valid values, the
    /// required fields of a new record, and payloads that fit the record type.
    ///
    /// Both sides run this: the agent before it writes anything, the server before it stores a
    /// batch, so a bad value is refused with one clear sentence and nothing changes.
    public func validate() throws(ModelError) {
        guard RecordID.isValid(id) else { throw .invalidValue(field: "id", reason: .recordID) }
        guard dot.counter > 0 else {
            throw .invalid(LocalizedText("An operation's counter starts at 1.", zh: "操作计数器从1开始。"))
        }
        let schema = type.schema
        switch payload {
        case .create(let fields):
            guard type != .workLog else { throw Self.wrongKind(.create, for: type) }
            try validateNew(fields, schema: schema)
        case .log(let fields):
            guard type == .workLog else { throw Self.wrongKind(.log, for: type) }
            try validateNew(fields, schema: schema)
        case .set(let fields):
            guard type != .workLog else { throw Self.wrongKind(.set, for: type) }
            guard !fields.isEmpty else {
                throw .invalid(LocalizedText("A set operation must change at least one field.", zh: "修改操作至少要修改一个字段。"))
            }
            try validateRegisters(fields, schema: schema)
            // An incident's grid is where it happened; where it is handled moves with its events.
            if type == .incident && fields["gridId"] != nil {
                throw .invalidValue(field: "gridId", reason: .notWritable)
            }
            for (name, value) in fields where value == .null && schema.fields[name]?.isRequired == true {
                throw .invalidValue(field: name, reason: .required)
            }
        case .add(let field, let element), .remove(let field, let element):
            guard type != .workLog else { throw Self.wrongKind(payload.kind, for: type) }
            let spec = try schema.field(field)
            guard spec.merge == .addWinsSet else { throw .invalidValue(field: field, reason: .notASet) }
            try spec.rule.validate(.string(element), field: field)
        case .tombstone:
            guard type != .workLog else { throw Self.wrongKind(.tombstone, for: type) }
        case .event(let event):
            guard type == .incident else { throw Self.wrongKind(.event, for: type) }
            try event.validate()
        }
    }

    private func validateNew(_ fields: [String: FieldValue], schema: RecordSchema) throws(ModelError) {
        try validateRegisters(fields, schema: schema)
        for name in schema.requiredFields where (fields[name] ?? .null) == .null {
            throw .invalidValue(field: name, reason: .required)
        }
    }

    private func validateRegisters(_ fields: [String: FieldValue], schema: RecordSchema) throws(ModelError) {
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            let spec = try schema.field(name)
            guard spec.isWritable else { throw .invalidValue(field: name, reason: .notWritable) }
            guard spec.merge == .register else { throw .invalidValue(field: name, reason: .elementNotInSet) }
            try spec.rule.validate(value, field: name)
        }
    }

    private static func wrongKind(_ kind: Kind, for type: RecordType) -> ModelError {
        .invalid(
            LocalizedText(
                "A \(kind.rawValue) operation cannot change a \(type.rawValue).",
                zh: "\(kind.rawValue) 操作不能用于 \(type.rawValue) 记录。"
            )
        )
    }
}
