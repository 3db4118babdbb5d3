import CZlib

/// Streaming gunzip of a file read in pieces: exports often come as `.csv.gz`. Follows
/// concatenated gzip members (what `cat a.gz b.gz` and parallel compressors write).
final class GzipStream {
    private var stream = z_stream()
    private let input: UnsafeMutableRawPointer
    static let inputSize = 256 << 10
    /// The compressed bytes' end has been read.
    private var inputEnded = false
    /// The last member ended and no bytes follow it.
    private var finished = false

    init() throws {
        input = UnsafeMutableRawPointer.allocate(byteCount: Self.inputSize, alignment: 64)
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            input.deallocate()
            throw GzipFailure(message: "zlib could not start")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    struct GzipFailure: Error { let message: String }

    /// Fills `out[0..<count]` with decompressed bytes, asking `refill` for compressed ones
    /// (into the given buffer, returning how many; 0 at the file's end). Returns the bytes
    /// made; fewer than `count` only at the end.
    func read(into out: UnsafeMutableRawPointer, count: Int,
              refill: (UnsafeMutableRawPointer, Int) throws -> Int) throws -> Int {
        stream.next_out = out.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(count)
        while stream.avail_out > 0 && !finished {
            try feed(refill)
            // With no input left zlib may still owe output (a match cut short by a full buffer).
            let rc = inflate(&stream, Z_NO_FLUSH)
            switch rc {
            case Z_STREAM_END:
                // Another member may follow; trailing zero bytes (some tools pad) end the data.
                try feed(refill)
                if stream.avail_in == 0 || onlyZerosLeft() {
                    finished = true
                } else if inflateReset(&stream) != Z_OK {
                    throw GzipFailure(message: "zlib could not start the next gzip member")
                }
            case Z_OK:
                break
            case Z_BUF_ERROR:
                // No progress: zlib needs input the file no longer has (a member that ended is `finished`).
                if stream.avail_in == 0 && inputEnded { throw GzipFailure(message: "the gzip data ends early (a truncated download?)") }
            default:
                let detail = stream.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw GzipFailure(message: "the gzip data is corrupt (\(detail))")
            }
        }
        return count - Int(stream.avail_out)
    }

    /// Gives zlib the file's next compressed bytes when it has none left; notes the file's end.
    private func feed(_ refill: (UnsafeMutableRawPointer, Int) throws -> Int) throws {
        guard stream.avail_in == 0 && !inputEnded else { return }
        let n = try refill(input, Self.inputSize)
        if n == 0 { inputEnded = true; return }
        stream.next_in = input.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = uInt(n)
    }

    private func onlyZerosLeft() -> Bool {
        guard let p = stream.next_in else { return true }
        return (0 ..< Int(stream.avail_in)).allSatisfy { p[$0] == 0 }
    }
}
