// The reference the canonical codec is checked against, now that Foundation is no codec of the
// wire types: each wire value's JSON tree, built here from the protocol's description of it
// (protocol/README.md) and independently of `write(to:)`, then encoded by Foundation's
// `JSONEncoder` with the options the canonical form was defined by. The writer must produce
// exactly those bytes. The fuzz target (scripts/fuzz.sh) compiles this file too, inside the
// module Shared itself, so there the import below is left out.

import Foundation

#if !GRIDSYNC_FUZZ
@testable import Shared
#endif

/// A JSON value, as Foundation encodes and decodes it.
enum JSONValue: Codable, Equatable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case integer(Int64)
    case unsigned(UInt64)
    case bool(Bool)
    case null

    /// What the canonical form was defined as: `JSONEncoder` with sorted keys and unescaped slashes.
    var foundationBytes: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try! encoder.encode(self)
    }

    /// The same tree with whitespace everywhere and keys in no particular order.
    var prettyBytes: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        return try! encoder.encode(self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .object(let members): try container.encode(members)
        case .array(let elements): try container.encode(elements)
        case .string(let text): try container.encode(text)
        case .integer(let number): try container.encode(number)
        case .unsigned(let number): try container.encode(number)
        case .bool(let flag): try container.encode(flag)
        case .null: try container.encodeNil()
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int64.self) {
            self = .integer(number)
        } else if let number = try? container.decode(UInt64.self) {
            self = .unsigned(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let elements = try? container.decode([JSONValue].self) {
            self = .array(elements)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// An object of the keys whose values are present.
    static func members(_ pairs: KeyValuePairs<String, JSONValue?>) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: pairs.compactMap { key, value in value.map { (key, $0) } }))
    }

    static func text(_ value: String?) -> JSONValue? { value.map(JSONValue.string) }
}

/// A wire type whose JSON tree the tests can build without its writer.
protocol JSONTreeRepresentable {
    var jsonTree: JSONValue { get }
}

extension Array: JSONTreeRepresentable where Element: JSONTreeRepresentable {
    var jsonTree: JSONValue { .array(map(\.jsonTree)) }
}

extension Dot: JSONTreeRepresentable {
    var jsonTree: JSONValue { .array([.unsigned(UInt64(replica.rawValue)), .unsigned(counter)]) }
}

extension HLCTimestamp: JSONTreeRepresentable {
    var jsonTree: JSONValue { .array([.unsigned(wallMilliseconds), .unsigned(UInt64(logical))]) }
}

extension VersionVector: JSONTreeRepresentable {
    var jsonTree: JSONValue {
        .object(Dictionary(uniqueKeysWithValues: entries.map { (String($0.key.rawValue), .unsigned($0.value)) }))
    }
}

extension FieldValue: JSONTreeRepresentable {
    var jsonTree: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .integer(let number): .integer(number)
        case .boolean(let flag): .bool(flag)
        case .null: .null
        }
    }
}

extension IncidentEvent: JSONTreeRepresentable {
    var jsonTree: JSONValue {
        .members([
            "action": .string(action.rawValue), "node": .text(node), "target": .text(target), "note": .text(note),
            "satisfaction": .text(satisfaction?.rawValue), "registryNumber": .text(registryNumber),
            "days": days.map { .integer(Int64($0)) },
        ])
    }
}

extension SyncOperation: JSONTreeRepresentable {
    var jsonTree: JSONValue {
        var members: [String: JSONValue] = [
            "dot": dot.jsonTree, "context": context.jsonTree, "hlc": hlc.jsonTree, "type": .string(type.rawValue),
            "id": .string(id), "kind": .string(payload.kind.rawValue),
        ]
        switch payload {
        case .create(let fields), .set(let fields), .log(let fields):
            members["fields"] = .object(fields.mapValues(\.jsonTree))
        case .add(let field, let element), .remove(let field, let element):
            members["field"] = .string(field)
            members["element"] = .string(element)
        case .tombstone: break
        case .event(let event): members["event"] = event.jsonTree
        }
        return .object(members)
    }
}

extension RecordState: JSONTreeRepresentable {
    var jsonTree: JSONValue {
        .object([
            "type": .string(type.rawValue), "id": .string(id), "clock": clock.jsonTree,
            "registers": .object(
                registers.mapValues { siblings in
                    .array(
                        siblings.map {
                            .object(["dot": $0.dot.jsonTree, "hlc": $0.hlc.jsonTree, "value": $0.value.jsonTree])
                        }
                    )
                }
            ),
            "sets": .object(
                sets.mapValues { entries in
                    .array(entries.map { .object(["dot": $0.dot.jsonTree, "element": .string($0.element)]) })
                }
            ),
            "events": .array(
                events.map { .object(["dot": $0.dot.jsonTree, "hlc": $0.hlc.jsonTree, "event": $0.event.jsonTree]) }
            ),
        ])
    }
}

extension StoreEpoch: JSONTreeRepresentable {
    var jsonTree: JSONValue { .object(["generation": .unsigned(generation), "id": .string(id)]) }
}

extension SyncRequest: JSONTreeRepresentable {
    var jsonTree: JSONValue {
        .members([
            "protocolVersion": .integer(Int64(protocolVersion)), "batchId": .string(batchId),
            "cursor": .unsigned(cursor), "operations": operations.jsonTree, "store": store?.jsonTree,
            "recovered": recovered.map { .object(["resent": .unsigned($0.resent), "lost": .unsigned($0.lost)]) },
        ])
    }
}

extension SetAsideNotice: JSONTreeRepresentable {
    var jsonTree: JSONValue {
        .object([
            "dot": dot.jsonTree, "code": .string(code), "message": .string(message), "messageZh": .string(messageZh),
        ])
    }
}

extension SyncResponse: JSONTreeRepresentable {
    var jsonTree: JSONValue {
        .members([
            "acknowledgedThrough": .unsigned(acknowledgedThrough), "operations": operations.jsonTree,
            "cursor": .unsigned(cursor), "hasMore": .bool(hasMore), "serverTime": .unsigned(serverTime),
            "setAside": setAside?.jsonTree, "store": store?.jsonTree, "digest": .text(digest),
        ])
    }
}

extension GridNode: JSONTreeRepresentable {
    var jsonTree: JSONValue {
        .members([
            "id": .string(id), "parentId": .text(parentID), "level": .integer(Int64(level.rawValue)),
            "name": .string(name), "kind": .string(kind.rawValue),
            "linesOfWork": .array(linesOfWork.map(\.rawValue).sorted().map(JSONValue.string)),
        ])
    }
}

extension WorkCalendar: JSONTreeRepresentable {
    var jsonTree: JSONValue {
        .object([
            "holidays": .array(holidays.sorted().map { .string($0.description) }),
            "workdays": .array(makeUpWorkdays.sorted().map { .string($0.description) }),
        ])
    }
}

extension SnapshotPage: JSONTreeRepresentable {
    var jsonTree: JSONValue {
        .members([
            "cursor": .unsigned(cursor), "grids": grids.jsonTree, "records": records.jsonTree,
            "nextAfter": .text(nextAfter), "recordCount": recordCount.map { .integer(Int64($0)) },
            "calendar": calendar?.jsonTree,
        ])
    }
}

extension RecordsRequest: JSONTreeRepresentable {
    var jsonTree: JSONValue {
        .members(["keys": .array(keys.map(JSONValue.string)), "grid": .text(grid), "after": .text(after)])
    }
}

extension RecordsResponse: JSONTreeRepresentable {
    var jsonTree: JSONValue { .members(["records": records.jsonTree, "nextAfter": .text(nextAfter)]) }
}

extension DigestResponse: JSONTreeRepresentable {
    var jsonTree: JSONValue {
        .object(["grids": .array(grids.map { .object(["id": .string($0.id), "digest": .string($0.digest)]) })])
    }
}

extension EnrollResponse: JSONTreeRepresentable {
    var jsonTree: JSONValue {
        .object([
            "protocolVersion": .integer(Int64(protocolVersion)), "replica": .unsigned(UInt64(replica.rawValue)),
            "gridId": .string(gridId), "agentName": .string(agentName), "serverTime": .unsigned(serverTime),
        ])
    }
}

extension ErrorBody: JSONTreeRepresentable {
    var jsonTree: JSONValue {
        .members([
            "code": .string(code.rawValue), "message": .string(message), "messageZh": .string(messageZh),
            "dots": dots?.jsonTree,
        ])
    }
}
