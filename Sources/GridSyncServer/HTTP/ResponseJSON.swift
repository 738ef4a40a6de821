import Foundation
import Shared

/// Builds the canonical JSON of sync, snapshot and records answers by splicing stored bytes.
///
/// Operations and record states are stored in canonical form already, so the answers put those
/// bytes in place (``RawJSON``) instead of decoding and re-encoding thousands of objects. The
/// keys around them are written by the message types' own writers (``SyncResponse``,
/// ``SnapshotPage``, ``RecordsResponse``), so the result is exactly what encoding the message gives.
enum ResponseJSON {
    static func syncResponse(
        acknowledgedThrough: UInt64,
        page: PulledPage,
        serverTime: UInt64,
        setAside: [SetAsideNotice]
    ) -> Data {
        var writer = CanonicalWriter()
        SyncResponse.write(
            to: &writer,
            acknowledgedThrough: acknowledgedThrough,
            operations: page.operations.map(RawJSON.init),
            cursor: page.cursor,
            hasMore: page.hasMore,
            serverTime: serverTime,
            setAside: setAside.isEmpty ? nil : setAside,
            store: page.store,
            digest: page.digest?.text
        )
        return writer.data
    }

    static func snapshotPage(_ slice: SnapshotSlice) -> Data {
        var writer = CanonicalWriter()
        SnapshotPage.write(
            to: &writer,
            cursor: slice.cursor,
            grids: slice.grids,
            records: slice.records.map(RawJSON.init),
            nextAfter: slice.nextAfter,
            recordCount: slice.recordCount,
            calendar: slice.calendar
        )
        return writer.data
    }

    static func records(_ states: [Data], nextAfter: RecordKey? = nil) -> Data {
        var writer = CanonicalWriter()
        RecordsResponse.write(to: &writer, records: states.map(RawJSON.init), nextAfter: nextAfter?.description)
        return writer.data
    }
}
