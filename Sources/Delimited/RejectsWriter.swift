#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes rejected rows as CSV: `line,reason,row`, where `row` is the source text of the
/// record (UTF-8, quoted, line ends inside kept); with an `object`, `object,line,reason,row`
/// (a load of many files names each row's file, and gathers its objects' files with
/// `appendRecords(of:)`, a byte copy).
///
/// The file is open only while a flush writes to it, so a load of thousands of objects, each
/// with a reader and its writer, holds no descriptor per object.
public final class RejectsWriter {
    private let path: String
    /// The quoted object and its comma, put before every row (empty: no object column).
    private let objectField: [UInt8]
    private var buffer: [UInt8] = []
    /// Rows written (appended files' rows not counted).
    public private(set) var rowsWritten = 0

    /// `object`: the value of an object column first in every row. `objectColumn` without an
    /// `object`: the header names the column, for a file that only gathers others.
    public init(path: String, object: String? = nil, objectColumn: Bool = false) throws {
        self.path = path
        var field: [UInt8] = []
        if let object {
            Self.appendQuoted(Array(object.utf8), to: &field)
            field.append(0x2C)
        }
        objectField = field
        let header = object != nil || objectColumn ? "object,line,reason,row\n" : "line,reason,row\n"
        buffer.append(contentsOf: Array(header.utf8))
        try flush(flags: O_TRUNC)
    }

    deinit { try? flush() }

    public func write(line: Int, reason: String, row: [UInt8]) throws {
        buffer.append(contentsOf: objectField)
        buffer.append(contentsOf: Array(String(line).utf8))
        buffer.append(0x2C)
        Self.appendQuoted(Array(reason.utf8), to: &buffer)
        buffer.append(0x2C)
        Self.appendQuoted(row, to: &buffer)
        buffer.append(byteLF)
        rowsWritten += 1
        if buffer.count > 1 << 16 { try flush() }
    }

    private static func appendQuoted(_ bytes: [UInt8], to out: inout [UInt8]) {
        out.append(0x22)
        for b in bytes {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        out.append(0x22)
    }

    public func flush() throws { try flush(flags: O_APPEND) }

    private func flush(flags: Int32) throws {
        guard !buffer.isEmpty else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0o644)
        if fd < 0 { throw CSVError(file: path, line: 0, kind: .io("cannot write rejects file: \(String(cString: strerror(errno)))")) }
        defer { close(fd) }
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

    /// Appends the rows of another rejects file (written with the same columns) after this
    /// one's, without its header line, in blocks. A missing file has no rows.
    public func appendRecords(of other: String) throws {
        try flush()
        let fd = open(other, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var block = [UInt8](repeating: 0, count: 1 << 16)
        var inHeader = true
        while true {
            let n = block.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            var from = 0
            if inHeader {
                // The header has no quoted line ends: it ends at the first one.
                guard let lf = block[0 ..< n].firstIndex(of: byteLF) else { continue }
                inHeader = false
                from = lf + 1
            }
            buffer.append(contentsOf: block[from ..< n])
            if buffer.count > 1 << 16 { try flush() }
        }
        try flush()
    }
}
