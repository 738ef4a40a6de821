/// The fields of one record type: how each merges, what values it accepts, and whether it is personal data.
///
/// The schema is the one place that says what a field is. The merge uses it to decide between a
/// register and an add-wins set, validation uses it to refuse bad values before anything is written,
/// and logging and views use ``FieldSpec/isSensitive`` to keep personal data out of logs.
public struct RecordSchema: Sendable {
    public let type: RecordType
    public let fields: [String: FieldSpec]

    /// The register every record has for tombstones: `true` once the record was removed.
    public static let deletedField = "deleted"

    init(type: RecordType, fields: [FieldSpec]) {
        self.type = type
        var byName = Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0) })
        byName[Self.deletedField] = FieldSpec(
            Self.deletedField,
            .boolean,
            label: LocalizedText("deleted", zh: "已删除"),
            writable: false
        )
        self.fields = byName
    }

    public func field(_ name: String) throws(ModelError) -> FieldSpec {
        guard let spec = fields[name] else { throw ModelError.unknownField(name, type: type) }
        return spec
    }

    /// The names of the fields a new record must have, sorted.
    public var requiredFields: [String] {
        fields.values.filter(\.isRequired).map(\.name).sorted()
    }
}

/// One field of a record type.
public struct FieldSpec: Sendable {
    /// How concurrent writes of a field combine.
    public enum Merge: Sendable, Equatable {
        /// A multi-value register: concurrent writes are all kept and shown as a conflict.
        case register
        /// An add-wins set of text elements (phones, care tags): concurrent adds and removes never conflict.
        case addWinsSet
    }

    public let name: String
    public let merge: Merge
    /// What a value (or, for a set, each element) must look like.
    public let rule: ValueRule
    public let label: LocalizedText
    public let isRequired: Bool
    /// Personal information (PIPL): never logged at info level or above, masked in summaries.
    public let isSensitive: Bool
    /// False for fields only the system writes (the tombstone flag).
    public let isWritable: Bool

    init(
        _ name: String,
        _ rule: ValueRule,
        merge: Merge = .register,
        label: LocalizedText,
        required: Bool = false,
        sensitive: Bool = false,
        writable: Bool = true
    ) {
        self.name = name
        self.rule = rule
        self.merge = merge
        self.label = label
        self.isRequired = required
        self.isSensitive = sensitive
        self.isWritable = writable
    }
}
