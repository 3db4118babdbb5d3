#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

enum S3LocalFileError: Error, CustomStringConvertible {
    case io(String)
    var description: String { switch self { case let .io(m): return m } }
}

/// A local file read by offset (parts are read concurrently) or written in order,
/// straight into and out of NIO buffers.
final class S3LocalFile: @unchecked Sendable {
    private var fd: Int32
    let path: String
    let store: String
    let key: String

    init(readingAt path: String, store: String, key: String) throws {
        self.path = path; self.store = store; self.key = key
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ObjectStoreError.io(store: store, key: key, message: "cannot open \(path): \(Self.lastError())") }
    }

    init(writingAt path: String, store: String, key: String) throws {
        self.path = path; self.store = store; self.key = key
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ObjectStoreError.io(store: store, key: key, message: "cannot create \(path): \(Self.lastError())") }
    }

    /// A file written in parts at their offsets (a ranged download), created if absent, not truncated.
    init(updatingAt path: String, store: String, key: String) throws {
        self.path = path; self.store = store; self.key = key
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ObjectStoreError.io(store: store, key: key, message: "cannot create \(path): \(Self.lastError())") }
    }

    deinit { close() }

    func close() {
        if fd >= 0 { systemClose(fd); fd = -1 }
    }

    func size() throws -> Int64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ObjectStoreError.io(store: store, key: key, message: "cannot stat \(path): \(Self.lastError())") }
        return Int64(st.st_size)
    }

    /// Exactly `count` bytes from `offset` (throws if the file is shorter).
    func read(offset: Int64, count: Int) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        var done = 0
        while done < count {
            var n = 0
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count - done) { raw in
                n = pread(fd, raw.baseAddress, count - done, off_t(offset) + off_t(done))
                return max(n, 0)
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw ObjectStoreError.io(store: store, key: key,
                                          message: n == 0 ? "\(path) shrank while uploading" : "cannot read \(path): \(Self.lastError())")
            }
            done += n
        }
        return buffer
    }

    func write(_ buffer: ByteBuffer) throws {
        try buffer.withUnsafeReadableBytes { raw in
            var done = 0
            while done < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw ObjectStoreError.io(store: store, key: key, message: "cannot write \(path): \(Self.lastError())") }
                done += n
            }
        }
    }

    /// Writes `buffer` at `offset` (parts of one file arrive concurrently).
    func write(_ buffer: ByteBuffer, at offset: Int64) throws {
        try buffer.withUnsafeReadableBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw ObjectStoreError.io(store: store, key: key, message: "cannot write \(path): \(Self.lastError())") }
                done += n
            }
        }
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}

// Free functions, so that the methods named `close` and `write` do not shadow the system calls.
private func systemClose(_ fd: Int32) { _ = close(fd) }
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
