#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes rejected rows as CSV: `line,reason,row`, where `row` is the source text of the
/// record (UTF-8, quoted, line ends inside kept).
public final class RejectsWriter {
    private let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []

    public init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw CSVError(file: path, line: 0, kind: .io("cannot create rejects file: \(String(cString: strerror(errno)))")) }
        buffer.append(contentsOf: Array("line,reason,row\n".utf8))
        try flush()
    }

    deinit {
        try? flush()
        close(fd)
    }

    public func write(line: Int, reason: String, row: [UInt8]) throws {
        buffer.append(contentsOf: Array(String(line).utf8))
        buffer.append(0x2C)
        appendQuoted(Array(reason.utf8))
        buffer.append(0x2C)
        appendQuoted(row)
        buffer.append(byteLF)
        if buffer.count > 1 << 16 { try flush() }
    }

    private func appendQuoted(_ bytes: [UInt8]) {
        buffer.append(0x22)
        for b in bytes {
            if b == 0x22 { buffer.append(0x22) }
            buffer.append(b)
        }
        buffer.append(0x22)
    }

    public func flush() throws {
        var done = 0
        while done < buffer.count {
            let r = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if r < 0 {
                if errno == EINTR { continue }
                throw CSVError(file: path, line: 0, kind: .io("cannot write rejects file: \(String(cString: strerror(errno)))"))
            }
            done += r
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
