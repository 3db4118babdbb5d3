#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes rejected rows as CSV: `line,reason,row`, where `row` is the source text of the
/// record (UTF-8, quoted, line ends inside kept); with `objectColumn`, `object,line,reason,row`
/// (a load of many files names each row's file).
///
/// The file is open only while a flush writes to it, so a load of thousands of objects, each
/// with a reader and its writer, holds no descriptor per object.
public final class RejectsWriter {
    private let path: String
    private let objectColumn: Bool
    private var buffer: [UInt8] = []

    public init(path: String, objectColumn: Bool = false) throws {
        self.path = path
        self.objectColumn = objectColumn
        buffer.append(contentsOf: Array((objectColumn ? "object,line,reason,row\n" : "line,reason,row\n").utf8))
        try flush(flags: O_TRUNC)
    }

    deinit { try? flush() }

    public func write(line: Int, reason: String, row: [UInt8]) throws {
        precondition(!objectColumn, "this rejects file names each row's object")
        try append(object: nil, line: line, reason: reason, row: row)
    }

    public func write(object: String, line: Int, reason: String, row: [UInt8]) throws {
        precondition(objectColumn, "this rejects file has no object column")
        try append(object: object, line: line, reason: reason, row: row)
    }

    private func append(object: String?, line: Int, reason: String, row: [UInt8]) throws {
        if let object {
            appendQuoted(Array(object.utf8))
            buffer.append(0x2C)
        }
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

    /// The records of a rejects file this writer wrote without the object column, in order:
    /// streamed in blocks, so a large file is not held whole. Unreadable or cut short: it stops.
    public static func records(at path: String, _ each: (_ line: Int, _ reason: String, _ row: [UInt8]) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var parser = RecordParser()
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = block.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            for b in block[0 ..< n] {
                if let (line, reason, row) = parser.feed(b) { try each(line, reason, row) }
            }
        }
    }

    /// `line,"reason","row"\n` records, after the header line, a byte at a time.
    private struct RecordParser {
        private var header = true
        private var fields: [[UInt8]] = [[]]
        private var quoted = false
        private var quoteSeen = false

        mutating func feed(_ b: UInt8) -> (Int, String, [UInt8])? {
            if header {
                if b == byteLF { header = false }
                return nil
            }
            if quoted {
                if b == 0x22 { quoted = false; quoteSeen = true } else { fields[fields.count - 1].append(b) }
                return nil
            }
            switch b {
            case 0x22:
                // A doubled quote inside a quoted field is one quote.
                if quoteSeen { fields[fields.count - 1].append(0x22) }
                quoted = true
                quoteSeen = false
            case 0x2C:
                fields.append([])
                quoteSeen = false
            case byteLF:
                defer { fields = [[]]; quoteSeen = false }
                guard fields.count == 3, let line = Int(String(decoding: fields[0], as: UTF8.self)) else { return nil }
                return (line, String(decoding: fields[1], as: UTF8.self), fields[2])
            default:
                fields[fields.count - 1].append(b)
                quoteSeen = false
            }
            return nil
        }
    }
}
