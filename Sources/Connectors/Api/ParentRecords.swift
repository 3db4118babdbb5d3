import Foundation
import JSON
import ObjectStore

/// What each child fetch needs from one parent record (its path and query values, the fields
/// copied into the child's rows), written as the parent's pages arrive and read back by the
/// child's load once the parent's has published. A file under TMPDIR, not memory: a parent may
/// have millions of records.
public final class ParentRecords: @unchecked Sendable {
    let path: String
    private var buffer: [UInt8] = []
    private let lock = NSLock()
    public private(set) var count = 0
    private var handle: FileHandle?

    public init(label: String) throws {
        path = FileManager.default.temporaryDirectory.path + "/inlet-api-parents-\(label)-\(UUID().uuidString).jsonl"
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw ApiError.invalidConfig("cannot create a file in \(FileManager.default.temporaryDirectory.path) (TMPDIR)")
        }
        handle = h
        ExitCleanup.deleteOnSignal(path)
    }

    /// Starts over (a second pass, a retried run).
    func reset() throws {
        lock.lock(); defer { lock.unlock() }
        buffer = []
        count = 0
        try handle?.truncate(atOffset: 0)
    }

    /// One parent: `params` as text, `fields` as their JSON text.
    func append(params: [(String, String)], fields: [(String, ArraySlice<UInt8>)]) throws {
        var line = Array(#"{"p":{"#.utf8)
        line += params.enumerated().flatMap { k, p in (k > 0 ? [0x2C] : []) + jsonString(p.0) + [0x3A] + jsonString(p.1) }
        line += Array(#"},"f":{"#.utf8)
        line += fields.enumerated().flatMap { k, f in (k > 0 ? [0x2C] : []) + jsonString(f.0) + [0x3A] + Array(f.1) }
        line += Array("}}\n".utf8)
        for k in 0 ..< line.count - 1 where line[k] == 0x0A || line[k] == 0x0D { line[k] = 0x20 }
        lock.lock(); defer { lock.unlock() }
        buffer += line
        count += 1
        if buffer.count >= 1 << 20 { try handle?.write(contentsOf: buffer); buffer.removeAll(keepingCapacity: true) }
    }

    func finish() throws {
        lock.lock(); defer { lock.unlock() }
        try handle?.write(contentsOf: buffer)
        buffer = []
        try handle?.close()
        handle = nil
    }

    /// One parent as read back: values by the parent path they came from.
    struct Entry {
        var params: [String: String]
        /// Each field's JSON text.
        var fields: [String: ArraySlice<UInt8>]
    }

    /// Every parent, in order, a chunk at a time (never the whole file in memory).
    func forEach(_ body: (Entry) async throws -> Void) async throws {
        guard let h = FileHandle(forReadingAtPath: path) else { return }
        defer { try? h.close() }
        var carry: [UInt8] = []
        while let chunk = try h.read(upToCount: 1 << 20), !chunk.isEmpty {
            carry += chunk
            var start = 0
            while let nl = carry[start...].firstIndex(of: 0x0A) {
                try await body(try Self.entry(Array(carry[start ..< nl])))
                start = nl + 1
            }
            carry.removeFirst(start)
        }
    }

    private static func entry(_ line: [UInt8]) throws -> Entry {
        let doc = try JSONDocument(line)
        var params: [String: String] = [:]
        if let p = doc.locate(try JSONPath("p")) { for (k, v) in doc.members(of: p) { params[k] = doc.plainText(at: v) ?? "" } }
        var fields: [String: ArraySlice<UInt8>] = [:]
        if let f = doc.locate(try JSONPath("f")) { for (k, v) in doc.members(of: f) { fields[k] = doc.text(of: v) } }
        return Entry(params: params, fields: fields)
    }

    public func remove() {
        try? handle?.close()
        handle = nil
        try? FileManager.default.removeItem(atPath: path)
        ExitCleanup.keep(path)
    }
}

/// `s` as a JSON string literal.
func jsonString(_ s: String) -> [UInt8] {
    var out: [UInt8] = [0x22]
    for b in s.utf8 {
        switch b {
        case 0x22: out += [0x5C, 0x22]
        case 0x5C: out += [0x5C, 0x5C]
        case 0x0A: out += [0x5C, 0x6E]
        case 0x0D: out += [0x5C, 0x72]
        case 0x09: out += [0x5C, 0x74]
        case 0 ..< 0x20: out += Array(String(format: "\\u%04x", b).utf8)
        default: out.append(b)
        }
    }
    out.append(0x22)
    return out
}
