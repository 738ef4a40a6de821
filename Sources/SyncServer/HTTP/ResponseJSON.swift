import Foundation
import Shared

/// Builds the canonical JSON of sync and snapshot answers by splicing stored bytes.
///
/// Operations and record states are stored in canonical form already, so the answers put those
/// bytes in place instead of decoding and re-encoding thousands of objects; the keys are written
/// in sorted order so the result is exactly what encoding ``SyncResponse`` or ``SnapshotPage`` gives.
enum ResponseJSON {
    static func syncResponse(
        acknowledgedThrough: UInt64,
        page: PulledPage,
        serverTime: UInt64,
        setAside: [SetAsideNotice]
    ) throws -> Data {
        var json = Data("{\"acknowledgedThrough\":\(acknowledgedThrough),\"cursor\":\(page.cursor)".utf8)
        if let digest = page.digest { json.append(contentsOf: Data(",\"digest\":\"\(digest.text)\"".utf8)) }
        json.append(contentsOf: Data(",\"hasMore\":\(page.hasMore),\"operations\":".utf8))
        appendArray(page.operations, to: &json)
        json.append(contentsOf: Data(",\"serverTime\":\(serverTime)".utf8))
        if !setAside.isEmpty {
            json.append(contentsOf: Data(",\"setAside\":".utf8))
            json.append(CanonicalJSON.encode(setAside))
        }
        json.append(contentsOf: Data(",\"store\":".utf8))
        json.append(CanonicalJSON.encode(page.store))
        json.append(UInt8(ascii: "}"))
        return json
    }

    static func snapshotPage(_ slice: SnapshotSlice) throws -> Data {
        var json = Data("{".utf8)
        if let calendar = slice.calendar {
            json.append(contentsOf: Data("\"calendar\":".utf8))
            json.append(CanonicalJSON.encode(calendar))
            json.append(UInt8(ascii: ","))
        }
        json.append(contentsOf: Data("\"cursor\":\(slice.cursor),\"grids\":".utf8))
        json.append(CanonicalJSON.encode(slice.grids))
        if let nextAfter = slice.nextAfter {
            json.append(contentsOf: Data(",\"nextAfter\":".utf8))
            json.append(CanonicalJSON.encode(nextAfter))
        }
        if let recordCount = slice.recordCount {
            json.append(contentsOf: Data(",\"recordCount\":\(recordCount)".utf8))
        }
        json.append(contentsOf: Data(",\"records\":".utf8))
        appendArray(slice.records, to: &json)
        json.append(UInt8(ascii: "}"))
        return json
    }

    static func records(_ states: [Data], nextAfter: RecordKey? = nil) -> Data {
        let start = nextAfter.map { "{\"nextAfter\":\"\($0)\",\"records\":" } ?? "{\"records\":"
        var json = Data(start.utf8)
        appendArray(states, to: &json)
        json.append(UInt8(ascii: "}"))
        return json
    }

    private static func appendArray(_ elements: [Data], to json: inout Data) {
        json.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json.append(element)
        }
        json.append(UInt8(ascii: "]"))
    }
}
