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
/// the next row group does not wait for write(2) and the digest. Small files (a many-partition load's)
/// never start one and write on the caller's thread. Errors of background writes surface at
/// the next write or at `close`.
///
/// A plain descriptor with a buffer of its own, not stdio: glibc keeps every open FILE in one
/// list that fclose walks, so closing each of thousands of partition files walked past the
/// others still open.
final class FileSink: @unchecked Sendable {
    let path: String
    private var fd: Int32
    /// Small writes (page headers) gather here; large ones go straight through.
    private var buffer: [UInt8] = []
    /// Bytes accepted so far (the caller's view; background writes may still be under way).
    private(set) var offset: Int64 = 0
    /// Bytes handed to the file (buffered ones included) so far, on the background queue once it exists.
    private var written: Int64 = 0
    /// Sees every byte written, in order (e.g. a digest of the file taken as it is written).
    private let observer: ((UnsafeRawBufferPointer) -> Void)?
    private var background: DispatchQueue?
    private let failureLock = PthreadLock()
    private var failure: String?

    /// A write this large starts the background queue.
    static let backgroundFrom = 256 << 10
    /// Bytes waiting for background writes, all files together (a many-partition load has many
    /// queues): past it the encoders wait, so a slow disk holds them back instead of letting
    /// pages pile up in memory.
    static let queued = ByteBudget(limit: 16 << 20)
    /// The gathering buffer's size (a file system block).
    static let bufferSize = 4096

    init(path: String, observer: ((UnsafeRawBufferPointer) -> Void)? = nil) throws {
        self.path = path
        self.observer = observer
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ParquetError.io(path: path, message: String(cString: strerror(errno))) }
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
        Self.queued.take(bytes.count)
        offset += Int64(bytes.count)
        background!.async { [self] in
            if let message = bytes.withUnsafeBytes({ put($0) }) { failureLock.withLock { failure = failure ?? message } }
            Self.queued.give(bytes.count)
        }
    }

    private func checkOpen() throws {
        guard fd >= 0 else { throw ParquetError.invalidState("write to closed file \(path)") }
        if let message = failureLock.withLock({ failure }) { throw ParquetError.io(path: path, message: message) }
    }

    /// Takes bytes into the file (caller's thread before the queue exists, the queue after);
    /// the error's text or nil.
    private func put(_ raw: UnsafeRawBufferPointer) -> String? {
        guard fd >= 0, failureLock.withLock({ failure }) == nil else { return nil }
        if buffer.count + raw.count <= Self.bufferSize {
            if buffer.capacity < Self.bufferSize { buffer.reserveCapacity(Self.bufferSize) }
            buffer.append(contentsOf: raw)
        } else {
            if let message = drainBuffer() { return message }
            if raw.count < Self.bufferSize {
                buffer.append(contentsOf: raw)
            } else if let message = writeAll(raw) {
                return message
            }
        }
        written += Int64(raw.count)
        observer?(raw)
        return written - writebackFrom >= Self.writebackStep ? startWriteback() : nil
    }

    private func drainBuffer() -> String? {
        guard !buffer.isEmpty else { return nil }
        defer { buffer.removeAll(keepingCapacity: true) }
        return buffer.withUnsafeBytes { writeAll($0) }
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) -> String? {
        var done = 0
        while done < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            done += n
        }
        return nil
    }

    /// Bytes after which the kernel is asked to start writing the file out.
    static let writebackStep: Int64 = 16 << 20
    private var writebackFrom: Int64 = 0

    /// Starts (does not wait for) writeback of what was written since the last call, so the
    /// sync before publishing finds little left to write. Linux only; a no-op elsewhere. Returns
    /// the error of writing out the buffer (a full disk shows here).
    private func startWriteback() -> String? {
        if let message = drainBuffer() { return message }
        #if os(Linux)
        guard let sym = Self.syncFileRangeSymbol else { return nil }
        typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
        let syncFileRangeWrite: UInt32 = 2
        _ = unsafeBitCast(sym, to: SyncFileRange.self)(fd, writebackFrom, written - writebackFrom, syncFileRangeWrite)
        writebackFrom = written
        #endif
        return nil
    }

    #if os(Linux)
    /// glibc declares sync_file_range only under _GNU_SOURCE, which Swift's Glibc module does not set.
    nonisolated(unsafe) static let syncFileRangeSymbol: UnsafeMutableRawPointer? = dlsym(nil, "sync_file_range")
    #endif

    func close() throws {
        guard fd >= 0 else { return }
        background?.sync {}
        background = nil
        // A file ends here: its tail goes out now, not all files' at the sync (a 1000-partition
        // load's files, each far below `writebackStep`, were all still dirty then).
        if failureLock.withLock({ failure }) == nil, written > writebackFrom, let message = startWriteback() {
            failureLock.withLock { failure = failure ?? message }
        }
        let closed = Glibc.close(fd) == 0
        let closeError = errno
        fd = -1
        buffer = []
        if let message = failureLock.withLock({ failure }) { throw ParquetError.io(path: path, message: message) }
        guard closed else { throw ParquetError.io(path: path, message: String(cString: strerror(closeError))) }
    }

    deinit {
        background?.sync {}
        if fd >= 0 { Glibc.close(fd) }
    }
}
