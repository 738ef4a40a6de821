/// The bounds every message on the wire keeps, checked where it is decoded.
///
/// Any client may be buggy, tampered with or stolen. A number that does not fit the store's
/// columns, a string of megabytes or an array nested ten thousand deep must be refused at the edge
/// with a clear error, before it can trap, exhaust memory or reach a row that will not read back.
/// `protocol/README.md` ("Limits") and `openapi.yaml` (`minimum`/`maximum`) give the same figures.
public enum WireLimits {
    /// The largest counter, cursor, sequence number, context entry or HLC millisecond: 2⁵³ − 1.
    ///
    /// Every JSON reader (JavaScript's included) holds it exactly, it fits SQLite's signed 64-bit
    /// integers, and adding one to it never overflows. A counter that rose by a million a day
    /// would take 24 million years to reach it.
    public static let maxCounter: UInt64 = (1 << 53) - 1

    /// How deep objects and arrays may nest. The deepest message GridSync writes (a snapshot's
    /// record state) nests five levels; an attacker's ten thousand would otherwise overflow the stack.
    public static let maxDepth = 32

    /// The longest string, in UTF-8 bytes once escapes are decoded. The longest text field (a work
    /// log's 4,000 characters, each at most 4 bytes) fits.
    public static let maxStringBytes = 16_384

    /// The longest number, in characters: a 64-bit integer needs 20.
    public static let maxNumberLength = 32

    /// The most entries a causal context or record clock may hold: one per replica that wrote the
    /// record, so a county's busiest record stays far below it.
    public static let maxContextEntries = 4_096

    /// The most operations one decoded batch or page may hold; the server's own limit
    /// (`sync.maxBatchOperations`) is at most this.
    public static let maxOperations = 10_000

    /// The most grids a `GET /v1/digest` answer may list: more than any county has nodes.
    public static let maxGridDigests = 100_000

    /// The most keys one object may hold (a record's fields, an event's keys).
    public static let maxObjectKeys = 256

    /// A batch id: 1–128 characters of `A-Z a-z 0-9 . _ : -`, so it can be logged and audited as is.
    public static let maxBatchIdLength = 128

    /// True for a batch id that keeps the rule above.
    public static func isValidBatchId(_ text: String) -> Bool {
        let bytes = text.utf8
        guard (1...maxBatchIdLength).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
                UInt8(ascii: "-"):
                true
            default: false
            }
        }
    }
}
