import CSnappy
import CZlib
import CZstd

/// Page-body compression codecs, through the system's libsnappy, libzstd and zlib.
enum PageCodec {
    /// Appends `input` compressed with `codec` to `out`.
    static func compress(_ codec: ParquetCompression, _ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws {
        switch codec {
        case .none:
            out.append(input)
        case .snappy:
            let bound = snappy_max_compressed_length(input.count)
            try out.append(upTo: bound) { dst in
                var len = bound
                let rc = snappy_compress(input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
                                         UnsafeMutableRawPointer(dst).assumingMemoryBound(to: CChar.self), &len)
                guard rc == SNAPPY_OK else { throw ParquetError.corrupt("snappy compression failed (\(rc))") }
                return len
            }
        case .zstd:
            let bound = ZSTD_compressBound(input.count)
            try out.append(upTo: bound) { dst in
                let n = ZSTD_compress(dst, bound, input.baseAddress, input.count, 1)
                guard ZSTD_isError(n) == 0 else { throw ParquetError.corrupt("zstd compression failed") }
                return n
            }
        case .gzip:
            try gzipCompress(input, into: &out)
        }
    }

    private static func gzipCompress(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws {
        var s = z_stream()
        // windowBits 31 = 15 plus the gzip wrapper, as the Parquet spec asks for GZIP.
        guard deflateInit2_(&s, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ParquetError.corrupt("zlib deflateInit failed")
        }
        defer { deflateEnd(&s) }
        let bound = Int(deflateBound(&s, uLong(input.count))) + 32
        try out.append(upTo: bound) { dst in
            s.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            s.avail_in = uInt(input.count)
            s.next_out = dst.assumingMemoryBound(to: Bytef.self)
            s.avail_out = uInt(bound)
            guard deflate(&s, Z_FINISH) == Z_STREAM_END else { throw ParquetError.corrupt("gzip compression failed") }
            return bound - Int(s.avail_out)
        }
    }

    /// Decompresses a page body of known uncompressed size; `column` names the column in errors.
    static func decompress(_ codec: CompressionCodec, _ input: UnsafeRawBufferPointer, uncompressedSize: Int,
                           column: String) throws -> [UInt8] {
        if codec == .uncompressed {
            guard input.count == uncompressedSize else {
                throw ParquetError.corrupt("uncompressed page of column '\(column)' has \(input.count) bytes, header says \(uncompressedSize)")
            }
            return Array(input)
        }
        var out = [UInt8](repeating: 0, count: uncompressedSize)
        let ok: Bool = out.withUnsafeMutableBytes { dst in
            switch codec {
            case .snappy:
                var len = 0
                guard snappy_uncompressed_length(input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count, &len) == SNAPPY_OK,
                      len == uncompressedSize else { return false }
                var outLen = uncompressedSize
                return snappy_uncompress(input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
                                         dst.baseAddress?.assumingMemoryBound(to: CChar.self), &outLen) == SNAPPY_OK
                    && outLen == uncompressedSize
            case .zstd:
                guard let src = input.baseAddress else { return uncompressedSize == 0 }
                let n = ZSTD_decompress(dst.baseAddress, uncompressedSize, src, input.count)
                return ZSTD_isError(n) == 0 && n == uncompressedSize
            case .gzip:
                return gunzip(input, dst)
            default:
                return false
            }
        }
        guard ok else {
            throw ParquetError.corrupt("\(codec) page of column '\(column)' does not decompress to the \(uncompressedSize) bytes its header states")
        }
        return out
    }

    /// Inflates gzip or zlib data, following concatenated gzip members, into exactly `dst`.
    private static func gunzip(_ input: UnsafeRawBufferPointer, _ dst: UnsafeMutableRawBufferPointer) -> Bool {
        var s = z_stream()
        guard inflateInit2_(&s, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return false }
        defer { inflateEnd(&s) }
        s.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        s.avail_in = uInt(input.count)
        s.next_out = dst.baseAddress?.assumingMemoryBound(to: Bytef.self)
        s.avail_out = uInt(dst.count)
        while true {
            let rc = inflate(&s, Z_NO_FLUSH)
            if rc == Z_STREAM_END {
                if s.avail_in == 0 || s.avail_out == 0 { return s.avail_out == 0 }
                guard inflateReset(&s) == Z_OK else { return false }
                continue
            }
            if rc != Z_OK { return false }
            if s.avail_in == 0 { return s.avail_out == 0 }
        }
    }

    static func codecID(_ c: ParquetCompression) -> CompressionCodec {
        switch c {
        case .none: return .uncompressed
        case .snappy: return .snappy
        case .zstd: return .zstd
        case .gzip: return .gzip
        }
    }
}
