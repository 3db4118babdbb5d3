import CZstd

/// Streaming zstd decompression of a file read in pieces (`.csv.zst`, `.json.zst` exports), the
/// twin of `GzipStream`. Follows concatenated frames, as `zstd` and `cat a.zst b.zst` write them.
final class ZstdStream {
    private let stream: OpaquePointer
    private let input: UnsafeMutableRawPointer
    private var inputCount = 0
    private var inputPosition = 0
    private var inputEnded = false
    /// `ZSTD_decompressStream`'s last hint: 0 when a frame just ended.
    private var frameEnded = true

    init() throws {
        guard let s = ZSTD_createDStream() else { throw GzipStream.GzipFailure(message: "zstd could not start") }
        stream = s
        input = UnsafeMutableRawPointer.allocate(byteCount: Int(ZSTD_DStreamInSize()), alignment: 64)
        ZSTD_initDStream(stream)
    }

    deinit {
        ZSTD_freeDStream(stream)
        input.deallocate()
    }

    /// Fills `out[0..<count]` with decompressed bytes, asking `refill` for compressed ones
    /// (0 at the file's end). Returns the bytes made; fewer than `count` only at the end.
    func read(into out: UnsafeMutableRawPointer, count: Int,
              refill: (UnsafeMutableRawPointer, Int) throws -> Int) throws -> Int {
        var output = ZSTD_outBuffer(dst: out, size: count, pos: 0)
        while output.pos < output.size {
            if inputPosition == inputCount, !inputEnded {
                inputCount = try refill(input, Int(ZSTD_DStreamInSize()))
                inputPosition = 0
                if inputCount == 0 { inputEnded = true }
            }
            if inputPosition == inputCount, inputEnded {
                // Output may still be flushed from the last input; once none comes, the data ended.
                let before = output.pos
                var empty = ZSTD_inBuffer(src: input, size: 0, pos: 0)
                let hint = ZSTD_decompressStream(stream, &output, &empty)
                if ZSTD_isError(hint) != 0 { throw failure(hint) }
                if output.pos == before {
                    // Done when the last frame was whole; a frame cut short owes more input.
                    if !frameEnded { throw GzipStream.GzipFailure(message: "the zstd data ends early (a truncated download?)") }
                    break
                }
                frameEnded = hint == 0
                continue
            }
            var inBuffer = ZSTD_inBuffer(src: input, size: inputCount, pos: inputPosition)
            let hint = ZSTD_decompressStream(stream, &output, &inBuffer)
            if ZSTD_isError(hint) != 0 { throw failure(hint) }
            inputPosition = inBuffer.pos
            frameEnded = hint == 0
        }
        return output.pos
    }

    private func failure(_ code: Int) -> GzipStream.GzipFailure {
        GzipStream.GzipFailure(message: "the zstd data is corrupt (\(String(cString: ZSTD_getErrorName(code))))")
    }
}
