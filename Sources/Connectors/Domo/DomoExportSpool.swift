#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes an export to `<path>.partial` as bytes arrive and renames it to `path` only once the
/// whole body is in, so a cut-off download never looks like a complete spool file.
struct DomoExportSpool {
    let path: String
    let partialPath: String
    private var fd: Int32 = -1

    init(path: String) throws {
        self.path = path
        self.partialPath = path + ".partial"
        // A spool left by an earlier run must not pass for this run's export.
        unlink(path)
        fd = open(partialPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DomoError.spool(path: partialPath, detail: String(cString: strerror(errno))) }
    }

    /// Appends `bytes`, looping over short writes.
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc_write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                let detail = String(cString: strerror(errno))
                discard()
                throw DomoError.spool(path: partialPath, detail: detail)
            }
            offset += n
        }
    }

    /// Closes and publishes the spool under its final name.
    mutating func finish() throws {
        let closed = close(fd)
        fd = -1
        guard closed == 0, rename(partialPath, path) == 0 else {
            let detail = String(cString: strerror(errno))
            unlink(partialPath)
            throw DomoError.spool(path: path, detail: detail)
        }
    }

    /// Closes and deletes the partial file.
    mutating func discard() {
        if fd >= 0 { close(fd) }
        fd = -1
        unlink(partialPath)
    }
}

@inline(__always)
private func Glibc_write(_ fd: Int32, _ buf: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buf, count)
    #else
    return Darwin.write(fd, buf, count)
    #endif
}
