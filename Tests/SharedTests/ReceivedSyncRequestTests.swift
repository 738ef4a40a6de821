import ConvergenceSupport
import Foundation
import PropertyBased
import Testing

@testable import Shared

/// The server stores each operation of a request as the bytes that arrived when they are its
/// canonical JSON, and writes it again otherwise (``ReceivedSyncRequest``). Whatever the spelling,
/// the body kept must be exactly what the writer writes for the operation read.
@Suite struct ReceivedSyncRequestTests {
    @Test func canonicalOperationsOfRandomSchedulesAreKeptAsTheyArrived() async throws {
        await propertyCheck(count: 200, input: Gen.int(in: 3...6), Gen.uint64().array(of: 10...60)) {
            replicaCount,
            steps in
            var schedule = ConvergenceSchedule(replicaCount: replicaCount, steps: steps)
            schedule.run()
            try Self.checkKept(schedule.log)
        }
    }

    @Test func everySampleOperationIsKeptAsItArrived() throws {
        try Self.checkKept(WireSamples.operations)
    }

    /// Whitespace, key order, escapes and a number's form: each respelling of each operation
    /// reads as the operation and is stored as the writer writes it, never as it came.
    @Test func respelledOperationsAreStoredAsTheWriterWritesThem() async throws {
        await propertyCheck(count: 300, input: Gen.int(in: 0..<WireSamples.operations.count), Gen.uint64()) {
            index,
            seed in
            let operation = WireSamples.operations[index]
            var generator = SplitMix64(seed: seed)
            let text = Respelling.text(of: operation.jsonTree, using: &generator)
            try Self.checkStored(text, as: operation)
        }
    }

    /// Spellings the tree alone cannot produce: a clock entry at zero (never written), `null`
    /// for an absent key of an event (left out), a leading zero, a whole number with a fraction.
    @Test func valuesTheWriterWritesOtherwiseAreStoredAsItWritesThem() throws {
        let dot = #"[7,3]"#
        let common = #""dot":\#(dot),"hlc":[1764384600123,0],"id":"\#(WireSamples.incident)""#
        let event =
            #"{\#(common),"context":{"0":0,"7":2},"event":{"action":"comment","note":"n"},"kind":"event","type":"incident"}"#
        try Self.checkRewritten(event)
        let nullKey =
            #"{"context":{"7":2},\#(common),"event":{"action":"comment","days":null,"note":"n"},"kind":"event","type":"incident"}"#
        try Self.checkRewritten(nullKey)
        let zeros = #"{"context":{"7":02},\#(common),"event":{"action":"comment"},"kind":"event","type":"incident"}"#
        try Self.checkRewritten(zeros)
        let fraction =
            #"{"context":{"7":2.0},\#(common),"event":{"action":"comment"},"kind":"event","type":"incident"}"#
        try Self.checkRewritten(fraction)
    }

    /// Every operation's body is its canonical encoding, taken from the request as it came.
    private static func checkKept(_ operations: [SyncOperation]) throws {
        let request = SyncRequest(batchId: "b.1", cursor: 0, operations: operations)
        let received = try CanonicalJSON.decode(ReceivedSyncRequest.self, from: CanonicalJSON.encode(request))
        #expect(received.request == request)
        #expect(received.bodies == operations.map { CanonicalJSON.encode($0) })
    }

    private static func checkStored(_ text: String, as operation: SyncOperation) throws {
        let received = try receive(text)
        #expect(received.request.operations == [operation], "\(text)")
        #expect(received.bodies == [CanonicalJSON.encode(operation)], "\(text)")
    }

    /// `text` reads as an operation the writer writes otherwise, and is stored as it writes it.
    private static func checkRewritten(_ text: String) throws {
        let operation = try CanonicalJSON.decode(SyncOperation.self, from: Data(text.utf8))
        #expect(CanonicalJSON.encode(operation) != Data(text.utf8), "the case must not already be canonical: \(text)")
        try checkStored(text, as: operation)
    }

    private static func receive(_ operation: String) throws -> ReceivedSyncRequest {
        let text =
            #"{"batchId":"b.1","cursor":0,"operations":[\#(operation)],"protocolVersion":\#(ProtocolVersion.current)}"#
        return try CanonicalJSON.decode(ReceivedSyncRequest.self, from: Data(text.utf8))
    }
}

/// Writes a JSON tree as valid JSON that is not canonical: spaces and line breaks between
/// tokens, keys shuffled, some characters escaped that need not be, some numbers with a fraction.
enum Respelling {
    static func text(of value: JSONValue, using generator: inout some RandomNumberGenerator) -> String {
        var out = ""
        write(value, to: &out, using: &generator)
        return out
    }

    private static func write(
        _ value: JSONValue,
        to out: inout String,
        using generator: inout some RandomNumberGenerator
    ) {
        space(&out, &generator)
        switch value {
        case .object(let members):
            out += "{"
            for (index, (key, member)) in members.shuffled(using: &generator).enumerated() {
                if index > 0 { out += "," }
                space(&out, &generator)
                string(key, to: &out, using: &generator)
                space(&out, &generator)
                out += ":"
                write(member, to: &out, using: &generator)
            }
            space(&out, &generator)
            out += "}"
        case .array(let elements):
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                write(element, to: &out, using: &generator)
            }
            out += "]"
        case .string(let text): string(text, to: &out, using: &generator)
        case .integer(let number): out += "\(number)" + (Bool.random(using: &generator) ? ".0" : "")
        case .unsigned(let number): out += "\(number)" + (Bool.random(using: &generator) ? "e0" : "")
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        }
        space(&out, &generator)
    }

    private static func string(_ text: String, to out: inout String, using generator: inout some RandomNumberGenerator)
    {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/" where Bool.random(using: &generator): out += "\\/"
            case _
            where scalar.value < 0x20 || (scalar.value < 0xD800 && Int.random(in: 0..<8, using: &generator) == 0):
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    private static func space(_ out: inout String, _ generator: inout some RandomNumberGenerator) {
        if Int.random(in: 0..<4, using: &generator) == 0 {
            out += [" ", "\n", "\t", "\r\n  "].randomElement(using: &generator)!
        }
    }
}
