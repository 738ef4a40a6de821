// The libFuzzer target for the wire decoder and the reference merge.
//
// Not built by SwiftPM (no target in Package.swift names Tests/Fuzz): scripts/fuzz.sh compiles the
// Swift files of Tests/Fuzz together with every file of Sources/Shared as ONE module, so internal
// API (the canonical reader and writer) is reachable without @testable, and with
// Tests/SharedTests/Support/JSONTree.swift, the reference the writer is compared with.
// FuzzMutator.swift holds the custom mutator.
//
// Decoding errors, validation errors and gzip errors are normal outcomes. Findings are traps,
// sanitizer reports, hangs, and the `fatalError`s below: a broken round trip or a broken invariant.

import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func gridSyncFuzzTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    GridSyncFuzz.run(input)
    return 0
}

enum GridSyncFuzz {
    /// What a gzip input may inflate to; the server's own limit is larger (64 MiB by default).
    static let inflateLimit = 1 << 20

    static func run(_ input: Data) {
        var body = input
        if isGzip(input) {
            do { body = try Gzip.decompress(input, limit: inflateLimit) } catch { return }
        }
        // Every input is tried as every message: the types share their pieces, and a request read
        // as a snapshot page walks the unknown-key path (skipValue) over all of it.
        let request = try? CanonicalJSON.decode(SyncRequest.self, from: body)
        if let request {
            roundTrip(request, "SyncRequest")
            merge(request.operations)
        }
        checkReceived(body, against: request)
        if let response = try? CanonicalJSON.decode(SyncResponse.self, from: body) {
            // Operations of a newer release are kept aside as they came (`unreadable`) and are not
            // re-encoded: only the server writes a response, from stored bytes (ResponseJSON).
            if response.unreadable.isEmpty { roundTrip(response, "SyncResponse") }
            merge(response.operations)
        }
        if let operation = try? CanonicalJSON.decode(SyncOperation.self, from: body) {
            roundTrip(operation, "SyncOperation")
            merge([operation])
        }
        if let state = try? CanonicalJSON.decode(RecordState.self, from: body) {
            roundTrip(state, "RecordState")
        }
        roundTripIfItReads(RecordsRequest.self, body)
        roundTripIfItReads(RecordsResponse.self, body)
        roundTripIfItReads(DigestResponse.self, body)
        roundTripIfItReads(EnrollResponse.self, body)
        roundTripIfItReads(ErrorBody.self, body)
        let page = try? CanonicalJSON.decode(SnapshotPage.self, from: body)
        if let page { roundTrip(page, "SnapshotPage") }
        let rows = try? SnapshotRows(body)
        if let page {
            guard let rows else { fatalError("SnapshotRows refuses a page that SnapshotPage reads") }
            checkRows(rows, against: page.records)
        }
    }

    // MARK: Round trips

    /// The properties of every wire value (SharedTests' `CanonicalProperties`): encode, decode
    /// again, compare (decode ∘ encode = id); encode that again (encode ∘ decode = id on canonical
    /// bytes); and the bytes are Foundation's sorted-keys bytes of the value's JSON tree, the form
    /// the writer promises byte for byte.
    static func roundTrip<Value: CanonicalCodable & JSONTreeRepresentable & Equatable>(_ value: Value, _ what: String) {
        let encoded = CanonicalJSON.encode(value)
        let decoded: Value
        do {
            decoded = try CanonicalJSON.decode(Value.self, from: encoded)
        } catch {
            fatalError("\(what): its own encoding does not decode: \(error)\n\(text(encoded))")
        }
        guard decoded == value else {
            fatalError("\(what): decode(encode(x)) != x\n\(text(encoded))\n\(text(CanonicalJSON.encode(decoded)))")
        }
        guard CanonicalJSON.encode(decoded) == encoded else {
            fatalError("\(what): encode(decode(bytes)) != bytes\n\(text(encoded))")
        }
        let reference = value.jsonTree.foundationBytes
        guard reference == encoded else {
            fatalError("\(what): CanonicalWriter differs from JSONEncoder\n\(text(encoded))\n\(text(reference))")
        }
    }

    static func roundTripIfItReads<Value: CanonicalCodable & JSONTreeRepresentable & Equatable>(
        _ type: Value.Type,
        _ body: Data
    ) {
        if let value = try? CanonicalJSON.decode(type, from: body) { roundTrip(value, "\(type)") }
    }

    /// The server's read of a request (each operation's bytes kept as they came when canonical)
    /// must agree with the plain decode, and every body it keeps must be the writer's bytes.
    static func checkReceived(_ body: Data, against request: SyncRequest?) {
        let received = try? CanonicalJSON.decode(ReceivedSyncRequest.self, from: body)
        guard received?.request == request else {
            fatalError("ReceivedSyncRequest and SyncRequest read this differently\n\(text(body))")
        }
        guard let received else { return }
        for (operation, kept) in zip(received.request.operations, received.bodies)
        where kept != CanonicalJSON.encode(operation) {
            fatalError("ReceivedSyncRequest kept bytes the writer writes otherwise\n\(text(kept))")
        }
    }

    /// The agent's snapshot path (rows kept as the bytes that arrived) must agree with the full decode.
    static func checkRows(_ rows: SnapshotRows, against records: [RecordState]) {
        guard rows.rows.count == records.count else {
            fatalError("SnapshotRows has \(rows.rows.count) rows for \(records.count) records")
        }
        for (row, record) in zip(rows.rows, records) {
            guard row.type == record.type, row.id == record.id else {
                fatalError("SnapshotRows row \(row.type)/\(row.id) for record \(record.key)")
            }
            let stored: RecordState
            do { stored = try CanonicalJSON.decode(RecordState.self, from: row.state) } catch {
                fatalError("a SnapshotRows row's bytes do not decode: \(error)\n\(text(row.state))")
            }
            guard stored == record else { fatalError("a SnapshotRows row's bytes decode to another state") }
        }
    }

    // MARK: Merge

    /// What the server does with a batch, on the in-memory reference replica: validate each
    /// operation, merge the valid ones in order, author one server write that ticks past them,
    /// and store the states canonically.
    static func merge(_ operations: [SyncOperation]) {
        let accepted = operations.filter { operation in
            do {
                try operation.validate()
                return true
            } catch {
                return false
            }
        }
        guard !accepted.isEmpty else { return }
        var replica = InMemoryReplica(replica: .server)
        for operation in accepted { replica.receive(operation) }

        // Idempotence: the same batch again (a retry) changes nothing.
        let once = replica
        for operation in accepted { replica.receive(operation) }
        guard replica.records == once.records, replica.waiting == once.waiting else {
            fatalError("receiving a batch twice changed the replica")
        }

        for state in replica.canonicalRecords { checkStored(state) }

        // The server's own write (escalation, conflict resolution) at a physical time no later
        // than the newest accepted reading: that reading passed the drift check, so it may be
        // ahead of the server's clock by up to the bound.
        guard let key = replica.records.keys.sorted().first,
            let now = accepted.map(\.hlc.wallMilliseconds).max()
        else { return }
        let written = replica.write(key.type == .workLog ? .log([:]) : .tombstone, to: key, now: now)
        guard written.hlc > once.clock.last else { fatalError("a local write did not tick past \(once.clock.last)") }
        if let state = replica.records[key] { checkStored(state) }
    }

    /// A merged state stored as canonical JSON, and read back both ways the agent and server read it.
    static func checkStored(_ state: RecordState) {
        roundTrip(state, "merged RecordState")
        let row = SnapshotRows.Row(state)
        let page = SnapshotPage(cursor: 0, grids: [], records: [state], nextAfter: nil)
        let rows: SnapshotRows
        do { rows = try SnapshotRows(CanonicalJSON.encode(page)) } catch {
            fatalError("a page of one merged state does not read as SnapshotRows: \(error)")
        }
        guard let read = rows.rows.first, rows.rows.count == 1, read == row else {
            fatalError("SnapshotRows reads a page of one state differently from SnapshotRows.Row(state)")
        }
    }

    static func text(_ data: Data) -> String {
        String(decoding: data.prefix(4096), as: UTF8.self)
    }
}
