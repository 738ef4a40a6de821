/// An object whose keys are the replicas' numbers, `{"0":4,"17":12}`; entries at zero are never written.
extension VersionVector: CanonicalCodable {
    public func write(to writer: inout CanonicalWriter) {
        // Keys are the replicas' decimal strings, sorted as strings ("10" before "9").
        writer.object(pairs: entries.map { (String($0.key.rawValue), $0.value) })
    }

    /// Keys must be replica numbers written canonically (no sign, no leading zero), each once,
    /// at most ``WireLimits/maxContextEntries`` of them, with counters up to ``WireLimits/maxCounter``.
    public init(from reader: inout CanonicalReader) throws {
        var entries: [ReplicaID: UInt64] = [:]
        try reader.object(keys: { reader, key in
            guard let replica = key.replicaNumber else {
                throw reader.corrupt("replica id \"\(try key.string())\" is not a number")
            }
            guard entries.count < WireLimits.maxContextEntries else {
                throw reader.corrupt("a clock with more than \(WireLimits.maxContextEntries) entries")
            }
            let counter = try reader.counter("context")
            // An entry at zero says nothing and is never written.
            if counter == 0 { reader.noteRewritten() }
            guard entries.updateValue(counter, forKey: ReplicaID(replica)) == nil else {
                throw reader.duplicate(String(replica))
            }
        })
        self.init(entries)
    }
}
