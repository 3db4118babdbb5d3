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

    init(path: String) throws {
        self.path = path
        guard let f = fopen(path, "wb") else {
            throw ParquetError.io(path: path, message: String(cString: strerror(errno)))
        }
        file = f
        // Pages arrive as large writes; the buffer only gathers headers, and a small one keeps
        // thousands of open partition files cheap.
        setvbuf(f, nil, _IOFBF, 64 << 10)
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
    }

    func close() throws {
        guard let f = file else { return }
        file = nil
        guard fclose(f) == 0 else { throw ParquetError.io(path: path, message: String(cString: strerror(errno))) }
    }

    deinit { if let f = file { fclose(f) } }
}
