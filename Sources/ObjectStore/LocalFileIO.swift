#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The POSIX calls behind `LocalStore`'s durability: write all bytes, fsync files and
/// directories, rename, and Linux's renameat2(RENAME_EXCHANGE) for atomic directory swaps.
enum LocalFileIO {
    /// errno as text, for error messages.
    static func lastError(_ call: String) -> String { "\(call): \(String(cString: strerror(errno)))" }

    struct Failure: Error { let message: String; let code: Int32 }

    static func fail(_ call: String) -> Failure { Failure(message: lastError(call), code: errno) }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("write")
            }
            offset += n
        }
    }

    static func fsyncPath(_ path: String, directory: Bool) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0))
        guard fd >= 0 else { throw fail("open \(path)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw fail("fsync \(path)") }
    }

    /// `mkdir -p`; a directory made concurrently is fine.
    static func makeDirectories(_ path: String) throws {
        if isDirectory(path) { return }
        let parent = (path as NSString).deletingLastPathComponent
        if parent != path, !parent.isEmpty { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0, errno != EEXIST { throw fail("mkdir \(path)") }
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// Writes a file next to `destination` under a temp name, fsyncs it, renames it over
    /// `destination` and fsyncs the directory, so readers see the old file or the new one.
    static func writeAtomically(to destination: String, body: (Int32) throws -> Void) throws {
        let dir = (destination as NSString).deletingLastPathComponent
        let tmp = try writeSyncedTemp(in: dir, body: body)
        guard rename(tmp, destination) == 0 else {
            let e = fail("rename")
            unlink(tmp)
            throw e
        }
        try fsyncPath(dir, directory: true)
    }

    /// A local object's ETag: every write makes a new file (a new inode), so inode, size and
    /// modification time name one version of the key.
    static func etag(_ st: stat) -> String {
        #if os(Linux)
        let (sec, nsec) = (Int64(st.st_mtim.tv_sec), Int64(st.st_mtim.tv_nsec))
        #else
        let (sec, nsec) = (Int64(st.st_mtimespec.tv_sec), Int64(st.st_mtimespec.tv_nsec))
        #endif
        return "\"\(st.st_ino)-\(st.st_size)-\(sec).\(nsec)\""
    }

    static func etag(path: String) -> String? {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return etag(st)
    }

    /// See `LocalStore.put(key:data:if:)`. Returns the new file's ETag; throws `failed` when the
    /// condition does not hold.
    static func writeConditionally(to destination: String, condition: WriteCondition, failed: Error,
                                   body: (Int32) throws -> Void) throws -> String {
        let dir = (destination as NSString).deletingLastPathComponent
        let tmp = try writeSyncedTemp(in: dir, body: body)
        defer { unlink(tmp) }
        if case let .matches(expected) = condition {
            let aside = dir + "/" + LocalStore.tempPrefix + "cas-" + UUID().uuidString
            guard rename(destination, aside) == 0 else {
                if errno == ENOENT { throw failed }
                throw fail("rename \(destination)")
            }
            defer { unlink(aside) }
            guard etag(path: aside) == expected else {
                _ = link(aside, destination)   // not ours to replace: put it back unless taken meanwhile
                throw failed
            }
        }
        // The ETag is the temp file's: a link is the same inode, size and mtime. Taken from the
        // key after linking, a losing writer that had just renamed it aside (to check it, then
        // put it back) made the winner fail a write that had landed.
        guard let tag = etag(path: tmp) else { throw fail("stat \(tmp)") }
        guard link(tmp, destination) == 0 else {
            if errno == EEXIST { throw failed }
            throw fail("link \(destination)")
        }
        try fsyncPath(dir, directory: true)
        return tag
    }

    /// A new temp file in `dir` (made if missing) holding what `body` writes, fsynced and closed.
    private static func writeSyncedTemp(in dir: String, body: (Int32) throws -> Void) throws -> String {
        try makeDirectories(dir)
        let tmp = dir + "/" + LocalStore.tempPrefix + UUID().uuidString
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw fail("create temp file in \(dir)") }
        do {
            try body(fd)
            guard fsync(fd) == 0 else { throw fail("fsync") }
            guard close(fd) == 0 else { throw fail("close") }
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        return tmp
    }

    /// Streams `source` into `fd` in 1 MiB chunks.
    static func copy(from source: String, to fd: Int32) throws {
        let src = open(source, O_RDONLY | O_CLOEXEC)
        guard src >= 0 else { throw fail("open \(source)") }
        defer { close(src) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(src, buffer.baseAddress!, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("read \(source)")
            }
            if n == 0 { return }
            try writeAll(fd, UnsafeRawBufferPointer(rebasing: buffer[0 ..< n]))
        }
    }

    /// Reads `range` (clamped to the file) of the regular file at `path`, or nil when there is
    /// none. The size comes from the open descriptor, never a separate stat of the path: a
    /// concurrent atomic replace must give all of one version, not the size of one and the
    /// bytes of the other.
    static func readRange(path: String, range: Range<Int64>?) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT || errno == ENOTDIR || errno == EISDIR { return nil }
            throw fail("open")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw fail("fstat") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int64(st.st_size)
        let lower = min(max(range?.lowerBound ?? 0, 0), size)
        let upper = min(max(range?.upperBound ?? size, lower), size)
        let length = Int(upper - lower)
        var out = [UInt8](repeating: 0, count: length)
        var done = 0
        try out.withUnsafeMutableBytes { buf in
            while done < length {
                let n = pread(fd, buf.baseAddress! + done, length - done, off_t(lower) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw fail("read")
                }
                if n == 0 { break }
                done += n
            }
        }
        if done < length { out.removeSubrange(done...) }
        return out
    }

    /// Atomically swaps two existing paths (Linux renameat2 with RENAME_EXCHANGE, looked up at
    /// run time because glibc's declaration is not visible to Swift). Returns false when the
    /// kernel, file system or platform does not support it.
    static func exchange(_ a: String, _ b: String) throws -> Bool {
        #if os(Linux)
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let sym = renameat2Symbol else { return false }
        let f = unsafeBitCast(sym, to: RenameAt2.self)
        let renameExchange: UInt32 = 1 << 1
        if f(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0 { return true }
        if errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP { return false }
        throw fail("renameat2(RENAME_EXCHANGE)")
        #else
        return false
        #endif
    }

    #if os(Linux)
    nonisolated(unsafe) static let renameat2Symbol: UnsafeMutableRawPointer? = dlsym(nil, "renameat2")
    #endif

    /// `rm -rf` without following symlinks.
    static func removeTree(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                removeTree(path + "/" + name)
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
