#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import Dispatch

/// A buffered, append-only output file that knows its offset.
///
/// A file's first large write (a row group's pages) starts a serial background queue that does
/// this and every later write, with the observer's look at the bytes: the thread that encodes
/// the next row group no longer waits for write(2) and the digest (a single-file load's
/// consumer spent about a tenth of its time there). Small files (a many-partition load's)
/// never start one and write on the caller's thread. Errors of background writes surface at
/// the next write or at `close`.
final class FileSink: @unchecked Sendable {
    let path: String
    private var file: UnsafeMutablePointer<FILE>?
    /// Bytes accepted so far (the caller's view; background writes may still be under way).
    private(set) var offset: Int64 = 0
    /// Bytes handed to stdio so far (on the background queue once it exists).
    private var written: Int64 = 0
    /// Sees every byte written, in order (e.g. a digest of the file taken as it is written).
    private let observer: ((UnsafeRawBufferPointer) -> Void)?
    private var background: DispatchQueue?
    /// Background writes not yet done: the caller waits past `maxQueued` of them, so a slow
    /// disk holds back the encoding instead of letting pages pile up in memory.
    private let queued = DispatchSemaphore(value: FileSink.maxQueued)
    private let failureLock = PthreadLock()
    private var failure: String?

    /// A write this large starts the background queue.
    static let backgroundFrom = 256 << 10
    static let maxQueued = 32

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

    /// Writes `bytes`; large ones (and all once the queue exists) in the background, without a copy.
    func write(_ bytes: [UInt8]) throws {
        guard background != nil || bytes.count >= Self.backgroundFrom else {
            return try bytes.withUnsafeBytes { try write($0) }
        }
        try enqueue(bytes)
    }

    func write(_ raw: UnsafeRawBufferPointer) throws {
        guard raw.count > 0 else { return }
        if background != nil { return try enqueue(Array(raw)) }
        try checkOpen()
        offset += Int64(raw.count)
        if let message = put(raw) { throw ParquetError.io(path: path, message: message) }
    }

    private func enqueue(_ bytes: [UInt8]) throws {
        try checkOpen()
        guard !bytes.isEmpty else { return }
        if background == nil { background = DispatchQueue(label: "inlet.parquet.file-sink") }
        queued.wait()
        offset += Int64(bytes.count)
        background!.async { [self] in
            if let message = bytes.withUnsafeBytes({ put($0) }) { failureLock.withLock { failure = failure ?? message } }
            queued.signal()
        }
    }

    private func checkOpen() throws {
        guard file != nil else { throw ParquetError.invalidState("write to closed file \(path)") }
        if let message = failureLock.withLock({ failure }) { throw ParquetError.io(path: path, message: message) }
    }

    /// Hands bytes to stdio (caller's thread before the queue exists, the queue after); the error's text or nil.
    private func put(_ raw: UnsafeRawBufferPointer) -> String? {
        guard let f = file, failureLock.withLock({ failure }) == nil else { return nil }
        guard fwrite(raw.baseAddress, 1, raw.count, f) == raw.count else { return String(cString: strerror(errno)) }
        written += Int64(raw.count)
        observer?(raw)
        return written - writebackFrom >= Self.writebackStep ? startWriteback(f) : nil
    }

    /// Bytes after which the kernel is asked to start writing the file out.
    static let writebackStep: Int64 = 16 << 20
    private var writebackFrom: Int64 = 0

    /// Starts (does not wait for) writeback of what was written since the last call, so the
    /// sync before publishing finds little left to write. Linux only; a no-op elsewhere. Returns
    /// the error of flushing stdio's buffer (a full disk shows here, or in a later fclose).
    private func startWriteback(_ f: UnsafeMutablePointer<FILE>) -> String? {
        #if os(Linux)
        guard fflush(f) == 0 else { return String(cString: strerror(errno)) }
        guard let sym = Self.syncFileRangeSymbol else { return nil }
        typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
        let syncFileRangeWrite: UInt32 = 2
        _ = unsafeBitCast(sym, to: SyncFileRange.self)(fileno(f), writebackFrom, written - writebackFrom, syncFileRangeWrite)
        writebackFrom = written
        #endif
        return nil
    }

    #if os(Linux)
    /// glibc declares sync_file_range only under _GNU_SOURCE, which Swift's Glibc module does not set.
    nonisolated(unsafe) static let syncFileRangeSymbol: UnsafeMutableRawPointer? = dlsym(nil, "sync_file_range")
    #endif

    func close() throws {
        guard let f = file else { return }
        background?.sync {}
        background = nil
        // A file ends here: its tail goes out now, not all files' at the sync (a 1000-partition
        // load's files, each far below `writebackStep`, were all still dirty then).
        if written > writebackFrom, let message = startWriteback(f) { failureLock.withLock { failure = failure ?? message } }
        file = nil
        let closed = fclose(f) == 0
        if let message = failureLock.withLock({ failure }) { throw ParquetError.io(path: path, message: message) }
        guard closed else { throw ParquetError.io(path: path, message: String(cString: strerror(errno))) }
    }

    deinit {
        background?.sync {}
        if let f = file { fclose(f) }
    }
}
