import CZlib
public import Foundation

/// Gzip for sync bodies, through the system zlib, with a hard limit on what inflating may produce.
///
/// Sync bodies are JSON, which compresses about tenfold, so a village link carries a tenth of the
/// bytes. A hostile body can inflate a thousandfold (a gzip bomb): ``decompress(_:limit:)`` stops
/// and throws the moment the output would pass the limit, so memory never grows past it.
public enum Gzip {
    /// Compresses `data` into one gzip member.
    public static func compress(_ data: Data, level: Int32 = 6) -> Data {
        var stream = z_stream()
        // zlib zeroes a hash table of 2^(memLevel + 7) entries on every start: 64 KB at its
        // default of 8, more work than deflating an answer of a few hundred bytes. Small inputs
        // get a small table, which costs them nothing in size.
        let memoryLevel: Int32 = data.count < 4096 ? 1 : 8
        // windowBits 15 + 16 asks zlib for a gzip header and trailer instead of a raw zlib stream.
        let status = deflateInit2_(
            &stream,
            level,
            Z_DEFLATED,
            15 + 16,
            memoryLevel,
            Z_DEFAULT_STRATEGY,
            ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size)
        )
        precondition(status == Z_OK, "zlib could not start deflate (status \(status))")
        defer { deflateEnd(&stream) }
        var output = Data(count: Int(deflateBound(&stream, UInt(data.count))) + 32)
        var input = data
        let written = input.withUnsafeMutableBytes { (source: UnsafeMutableRawBufferPointer) -> Int in
            output.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) -> Int in
                stream.next_in = source.bindMemory(to: Bytef.self).baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(target.count)
                let result = deflate(&stream, Z_FINISH)
                precondition(result == Z_STREAM_END, "deflate bound was too small (status \(result))")
                return Int(stream.total_out)
            }
        }
        output.count = written
        return output
    }

    /// Inflates one gzip member, refusing output larger than `limit` bytes.
    ///
    /// - Throws: ``GzipError`` when the data is not gzip, is cut short, has trailing bytes, or
    ///   would inflate past `limit`.
    public static func decompress(_ data: Data, limit: Int) throws(GzipError) -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .malformed
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        let chunkSize = 64 * 1024
        // zlib writes every byte it reports, so the chunk is not zeroed first (that was the
        // largest single cost of inflating a request).
        let chunk = UnsafeMutableBufferPointer<Bytef>.allocate(capacity: chunkSize)
        defer { chunk.deallocate() }
        var input = data
        let outcome: GzipError? = input.withUnsafeMutableBytes { source in
            stream.next_in = source.bindMemory(to: Bytef.self).baseAddress
            stream.avail_in = uInt(source.count)
            while true {
                stream.next_out = chunk.baseAddress
                stream.avail_out = uInt(chunkSize)
                let result = inflate(&stream, Z_NO_FLUSH)
                let produced = chunkSize - Int(stream.avail_out)
                if output.count + produced > limit { return .tooLarge(limit: limit) }
                output.append(chunk.baseAddress!, count: produced)
                switch result {
                case Z_STREAM_END:
                    return stream.avail_in == 0 ? nil : .malformed
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    return .truncated
                default:
                    return .malformed
                }
            }
        }
        if let outcome { throw outcome }
        return output
    }
}

/// Why a gzip body could not be inflated.
public enum GzipError: Error, Equatable, Sendable {
    /// Not gzip, corrupt, or followed by extra bytes.
    case malformed
    /// The stream ends before the gzip trailer.
    case truncated
    /// Inflating would produce more than `limit` bytes.
    case tooLarge(limit: Int)
}
