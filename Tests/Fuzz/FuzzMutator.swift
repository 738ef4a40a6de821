// The custom mutator of the GridSync fuzz target: gzip-aware, with a few JSON-aware mutations.
//
// libFuzzer's byte mutations break a gzip input's CRC at once, so a mutated gzip input would only
// test zlib's refusal; and they grow an input a few bytes at a time and rarely land a number the
// decoder cares about on a number's place. So this mutator
//  - mutates a gzip input through its inflated body and compresses it again (the body may grow
//    to `GridSyncFuzz.bodyLimit`, 256 KiB, far past -max_len: what a small body on the wire inflates to);
//  - now and then gzips a plain input, and always gzips a body that outgrew -max_len;
//  - one time in four, instead of libFuzzer's mutation, makes a JSON-aware one: a number token
//    replaced with an edge value (2³²−1, 2⁶⁴, Int64.min …) or with another number of the same
//    input, or a value wrapped in many arrays (nesting depth);
// all deterministic for a given libFuzzer seed.

import Foundation

@_cdecl("LLVMFuzzerCustomMutator")
public func gridSyncFuzzCustomMutator(
    _ data: UnsafeMutablePointer<UInt8>?,
    _ size: Int,
    _ maxSize: Int,
    _ seed: UInt32
) -> Int {
    guard let data else { return 0 }
    var random = SplitMix64(seed: UInt64(seed))
    let input = Data(bytes: data, count: size)
    var body = [UInt8](input)
    var wasGzip = false
    if GridSyncFuzz.isGzip(input), random.next() % 8 != 0,
        let inflated = try? Gzip.decompress(input, limit: GridSyncFuzz.inflateLimit)
    {
        body = [UInt8](inflated)
        wasGzip = true
    }
    if random.next() % 4 != 0 || !JSONMutation.mutate(&body, limit: GridSyncFuzz.bodyLimit, using: &random) {
        // Room to grow: a gzip body twice its size (within the body limit), a plain one -max_len.
        let room = wasGzip ? min(GridSyncFuzz.bodyLimit, max(2 * body.count, 4096)) : maxSize
        let count = body.count
        guard count <= room else { return LLVMFuzzerMutate(data, size, maxSize) }
        body += [UInt8](repeating: 0, count: room - count)
        let mutated = body.withUnsafeMutableBufferPointer { LLVMFuzzerMutate($0.baseAddress!, count, room) }
        body.removeSubrange(mutated...)
    }
    if wasGzip || body.count > maxSize || random.next() % 32 == 0,
        let written = GridSyncFuzz.store(Gzip.compress(Data(body)), in: data, maxSize: maxSize)
    {
        return written
    }
    if let written = GridSyncFuzz.store(Data(body), in: data, maxSize: maxSize) { return written }
    return LLVMFuzzerMutate(data, size, maxSize)
}

extension GridSyncFuzz {
    /// How large a mutated body may grow: deep enough for any nesting that matters, small enough
    /// that a corpus of large gzip bodies does not slow every execution down (the target inflates
    /// up to ``inflateLimit``, 1 MiB, whatever an input holds).
    static let bodyLimit = 256 << 10

    static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// Copies `bytes` over the fuzzer's buffer when they fit; returns their count.
    static func store(_ bytes: Data, in buffer: UnsafeMutablePointer<UInt8>, maxSize: Int) -> Int? {
        guard bytes.count <= maxSize else { return nil }
        bytes.copyBytes(to: buffer, count: bytes.count)
        return bytes.count
    }
}

/// Mutations that know where JSON's numbers and values are. Strings are skipped as JSON skips
/// them; the input need not be valid JSON (a cut-off value ends at the end of the input).
enum JSONMutation {
    static let edgeNumbers = [
        "0", "1", "-1", "-0", "2", "255", "65535", "2147483647", "2147483648", "4294967294", "4294967295",
        "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "18446744073709551615", "18446744073709551616", "1e3", "1.0", "1.5",
        "1e19", "4294967295.0", "1764374400000", "1e400",
    ]
    static let depths = [2, 16, 256, 4096, 30_000, 100_000]

    /// Mutates `bytes` in place, keeping it at most `limit` bytes; false when nothing fitted.
    static func mutate(_ bytes: inout [UInt8], limit: Int, using random: inout some RandomNumberGenerator) -> Bool {
        let (numbers, values) = scan(bytes)
        if random.next() % 3 != 0, let number = numbers.randomElement(using: &random) {
            let replacement: [UInt8]
            if random.next() % 3 == 0, let other = numbers.randomElement(using: &random) {
                replacement = Array(bytes[other])
            } else {
                replacement = Array(edgeNumbers.randomElement(using: &random)!.utf8)
            }
            guard bytes.count - number.count + replacement.count <= limit else { return false }
            bytes.replaceSubrange(number, with: replacement)
            return true
        }
        guard let value = values.randomElement(using: &random) else { return false }
        let depth = depths.randomElement(using: &random)!
        guard bytes.count + 2 * depth <= limit else { return false }
        bytes.insert(contentsOf: repeatElement(UInt8(ascii: "]"), count: depth), at: value.upperBound)
        bytes.insert(contentsOf: repeatElement(UInt8(ascii: "["), count: depth), at: value.lowerBound)
        return true
    }

    /// The byte ranges of the number tokens and of the values (objects, arrays, strings, scalars)
    /// that start after `:`, `[` or `,`.
    static func scan(_ bytes: [UInt8]) -> (numbers: [Range<Int>], values: [Range<Int>]) {
        var numbers: [Range<Int>] = []
        var values: [Range<Int>] = []
        var opened: [Int] = []  // where each open object or array starts
        var previous: UInt8 = UInt8(ascii: "[")  // the last structural byte outside strings
        var index = 0
        func isNumberByte(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
                || byte == UInt8(ascii: "E")
        }
        let startsValue = { (previous: UInt8) in
            previous == UInt8(ascii: ":") || previous == UInt8(ascii: "[") || previous == UInt8(ascii: ",")
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                index = min(index + 1, bytes.count)
                if startsValue(previous) { values.append(start..<index) }
                previous = UInt8(ascii: "\"")
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                opened.append(index)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if let start = opened.popLast() { values.append(start..<index + 1) }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = index
                while index < bytes.count, isNumberByte(bytes[index]) { index += 1 }
                numbers.append(start..<index)
                if startsValue(previous) { values.append(start..<index) }
                previous = UInt8(ascii: "0")
                continue
            default:
                break
            }
            if ![0x20, 0x0A, 0x0D, 0x09].contains(byte) { previous = byte }
            index += 1
        }
        return (numbers, values)
    }
}
