#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered, append-only output file that knows its offset.
final class FileSink {
    let path: String
    private var file: UnsafeMutablePointer<FILE>?
    private(set) var offset: Int64 = 0
    /// Sees every byte written, in order (e.g. a digest of the file taken as it is written).
    private let observer: ((UnsafeRawBufferPointer) -> Void)?

    init(path: String, observer: ((UnsafeRawBufferPointer) -> Void)? = nil) throws {
        self.path = path
        self.observer = observer
        guard let f = fopen(path, "wb") else {
            throw ParquetError.io(path: path, message: String(cString: strerror(errno)))
        }
        // stdio's own buffer (st_blksize, 4 KiB on ext4) gathers page headers; pages arrive as
        // large writes that go straight through. Small, so thousands of open partition files
        // stay cheap. (A size given to setvbuf without a buffer is ignored by glibc.)
        file = f
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    func write(_ raw: UnsafeRawBufferPointer) throws {
        guard let f = file else { throw ParquetError.invalidState("write to closed file \(path)") }
        guard raw.count > 0 else { return }
        guard fwrite(raw.baseAddress, 1, raw.count, f) == raw.count else {
            throw ParquetError.io(path: path, message: String(cString: strerror(errno)))
        }
        offset += Int64(raw.count)
        observer?(raw)
        if offset - writebackFrom >= Self.writebackStep { startWriteback(f) }
    }

    /// Bytes after which the kernel is asked to start writing the file out.
    static let writebackStep: Int64 = 16 << 20
    private var writebackFrom: Int64 = 0

    /// Starts (does not wait for) writeback of what was written since the last call, so the
    /// sync before publishing finds little left to write. Linux only; a no-op elsewhere.
    private func startWriteback(_ f: UnsafeMutablePointer<FILE>) {
        #if os(Linux)
        guard fflush(f) == 0, let sym = Self.syncFileRangeSymbol else { return }
        typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
        let syncFileRangeWrite: UInt32 = 2
        _ = unsafeBitCast(sym, to: SyncFileRange.self)(fileno(f), writebackFrom, offset - writebackFrom, syncFileRangeWrite)
        writebackFrom = offset
        #endif
    }

    #if os(Linux)
    /// glibc declares sync_file_range only under _GNU_SOURCE, which Swift's Glibc module does not set.
    nonisolated(unsafe) static let syncFileRangeSymbol: UnsafeMutableRawPointer? = dlsym(nil, "sync_file_range")
    #endif

    func close() throws {
        guard let f = file else { return }
        // A file ends here: its tail goes out now, not all files' at the sync (a 1000-partition
        // load's files, each far below `writebackStep`, were all still dirty then).
        if offset > writebackFrom { startWriteback(f) }
        file = nil
        guard fclose(f) == 0 else { throw ParquetError.io(path: path, message: String(cString: strerror(errno))) }
    }

    deinit { if let f = file { fclose(f) } }
}
