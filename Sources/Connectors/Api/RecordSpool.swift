import Foundation
import ObjectStore

/// The records an API run fetched, as JSON lines in a file under TMPDIR: the JSON reader then
/// infers their types over the whole run and converts them, as it does a file's, with memory
/// bounded by a few pages whatever the run's size. Removed on close and on a signal.
final class RecordSpool: @unchecked Sendable {
    let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let lock = NSLock()
    private(set) var records = 0
    private(set) var bytes: Int64 = 0
    /// Where each page's records start (0-based line) and the page's request, for messages.
    private var pages: [(firstLine: Int, request: String)] = []

    init(label: String) throws {
        let dir = FileManager.default.temporaryDirectory.path
        path = dir + "/inlet-api-\(label)-\(UUID().uuidString).jsonl"
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw ApiError.invalidConfig("cannot create a spool file in \(dir) (TMPDIR)")
        }
        handle = h
        ExitCleanup.deleteOnSignal(path)
        buffer.reserveCapacity(Self.flushBytes + (1 << 16))
    }

    static let flushBytes = 1 << 20

    /// Records that follow belong to `request`'s page.
    func beginPage(_ request: String) {
        lock.lock(); pages.append((records, request)); lock.unlock()
    }

    /// Appends one record (an object's text) as one line: JSON allows no raw line break inside
    /// a string, so the breaks of a pretty-printed record are whitespace and become spaces.
    /// `prefix` (`"key":value,` pairs) goes right after the opening brace.
    func append(_ record: ArraySlice<UInt8>, prefix: [UInt8] = []) throws {
        lock.lock()
        defer { lock.unlock() }
        let start = buffer.count
        if prefix.isEmpty {
            buffer.append(contentsOf: record)
        } else {
            buffer.append(record[record.startIndex])
            buffer.append(contentsOf: prefix)
            let body = record.dropFirst()
            // `{}` takes the prefix without its trailing comma.
            if body.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == 0x7D { buffer.removeLast() }
            buffer.append(contentsOf: body)
        }
        for k in start ..< buffer.count where buffer[k] == 0x0A || buffer[k] == 0x0D { buffer[k] = 0x20 }
        buffer.append(0x0A)
        records += 1
        if buffer.count >= Self.flushBytes { try flushLocked() }
    }

    func finish() throws {
        lock.lock()
        defer { lock.unlock() }
        try flushLocked()
        try handle.close()
    }

    private func flushLocked() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        bytes += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    /// The page request and the record's number in it for a 1-based line of the spool.
    func place(ofLine line: Int) -> (request: String, record: Int)? {
        lock.lock()
        defer { lock.unlock() }
        guard let k = pages.lastIndex(where: { $0.firstLine < line }) else { return nil }
        return (pages[k].request, line - pages[k].firstLine)
    }

    func remove() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: path)
        ExitCleanup.keep(path)
    }
}
