#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read with read(2); one per pass, closed on deinit. A gzip or zstd file (told by its
/// first bytes, whatever its name) reads as the text inside it.
final class FileInput {
    let fd: Int32
    let path: String
    private var gzip: GzipStream?
    private var zstd: ZstdStream?
    /// Bytes of the file read so far (compressed ones for a gzip file): progress through it.
    private(set) var fileOffset: Int64 = 0
    /// Sees every byte of the file as it comes off the disk (compressed, for a gzip file), in order.
    var onFileBytes: ((UnsafeRawBufferPointer) -> Void)?

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw CSVError(file: path, line: 0, kind: .io("cannot open: \(String(cString: strerror(errno)))")) }
        var magic: [UInt8] = [0, 0, 0, 0]
        let got = pread(fd, &magic, 4, 0)
        if got >= 2, magic[0 ..< 2] == [0x1F, 0x8B] {
            do { gzip = try GzipStream() } catch {
                close(fd)
                throw CSVError(file: path, line: 0, kind: .io("cannot read the gzip file: zlib could not start"))
            }
        } else if got == 4, magic == [0x28, 0xB5, 0x2F, 0xFD] {
            do { zstd = try ZstdStream() } catch {
                close(fd)
                throw CSVError(file: path, line: 0, kind: .io("cannot read the zstd file: libzstd could not start"))
            }
        }
    }

    /// Decompressed as it is read: offsets in the text are not offsets in the file.
    var isCompressed: Bool { gzip != nil || zstd != nil }

    deinit { close(fd) }

    var size: Int64 { identity?.size ?? 0 }

    /// What tells this version of the file from a changed one: device, inode, size and
    /// modification time (ns). nil when fstat fails.
    var identity: FileIdentity? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                            modifiedSeconds: Int64(st.st_mtim.tv_sec), modifiedNanoseconds: Int64(st.st_mtim.tv_nsec))
    }

    /// Moves the read position to `offset` (not in a compressed file).
    func seek(to offset: Int64) throws {
        precondition(!isCompressed, "FileInput.seek in a compressed file")
        fileOffset = offset
        if lseek(fd, off_t(offset), SEEK_SET) < 0 {
            throw CSVError(file: path, line: 0, kind: .io("seek failed: \(String(cString: strerror(errno)))"))
        }
    }

    /// Fills `buffer[0..<count]` as far as the file (or the text in a gzip file) allows;
    /// returns the bytes read (0 at end).
    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        do {
            if let gzip { return try gzip.read(into: buffer, count: count) { try readFile(into: $0, count: $1) } }
            if let zstd { return try zstd.read(into: buffer, count: count) { try readFile(into: $0, count: $1) } }
            return try readFile(into: buffer, count: count)
        } catch let failure as GzipStream.GzipFailure {
            throw CSVError(file: path, line: 0, kind: .io(failure.message))
        }
    }

    private func readFile(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        var total = 0
        while total < count {
            let r = systemRead(fd, buffer + total, count - total)
            if r < 0 {
                if errno == EINTR { continue }
                throw CSVError(file: path, line: 0, kind: .io("read failed: \(String(cString: strerror(errno)))"))
            }
            if r == 0 { break }
            total += r
        }
        fileOffset += Int64(total)
        if total > 0 { onFileBytes?(UnsafeRawBufferPointer(start: buffer, count: total)) }
        return total
    }

    /// Up to `count` bytes at `offset` (for error messages); none from a compressed file, whose
    /// text offsets are not file offsets.
    func bytes(at offset: Int64, count: Int) -> [UInt8] {
        guard !isCompressed else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, count, off_t(offset)) }
        return Array(out.prefix(max(0, n)))
    }

    /// Up to `count` bytes from the start of the file.
    func readPrefix(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let n = try bytes.withUnsafeMutableBytes { try read(into: $0.baseAddress!, count: count) }
        bytes.removeLast(count - n)
        return bytes
    }
}

struct FileIdentity: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedSeconds: Int64
    let modifiedNanoseconds: Int64
}

@inline(__always)
private func systemRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buf, count)
    #else
    return Darwin.read(fd, buf, count)
    #endif
}
