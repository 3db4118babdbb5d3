/// One JSON document held whole in memory (an API's page, a token response): checked strictly
/// once (RFC 8259, as the reader checks records), then read by path without building a tree.
/// Ranges are byte ranges of `bytes`.
public struct JSONDocument: Sendable {
    public let bytes: [UInt8]

    /// What a value is, from its first byte.
    public enum Kind: Sendable, Equatable { case object, array, string, number, bool, null }

    /// A scalar's value; lists and objects by kind only (their text is `text(of:)`).
    public enum Scalar: Sendable, Equatable {
        case null
        case bool(Bool)
        /// The number as written.
        case number(String)
        case string(String)
        case array
        case object
    }

    /// Checks `bytes` holds exactly one JSON value (whitespace around it allowed).
    public init(_ bytes: [UInt8], allowNaN: Bool = false) throws {
        self.bytes = bytes
        let end: Int = try bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress, !b.isEmpty else { throw JSONSyntaxError(bytes, 0, "the body is empty (expected a JSON value)") }
            var c = JSONCursor(base, b.count, allowNaN: allowNaN)
            do {
                try c.skipValue(depth: 0)
                c.skipSpace()
            } catch let p as RecordProblem {
                throw JSONSyntaxError(bytes, p.offset, p.message)
            }
            return c.i
        }
        if end < bytes.count { throw JSONSyntaxError(bytes, end, "unexpected text after the JSON value") }
    }

    public var all: Range<Int> { start(of: 0 ..< bytes.count) ..< trimmedEnd }

    private var trimmedEnd: Int {
        var e = bytes.count
        while e > 0, ArrayScan.isSpace(bytes[e - 1]) { e -= 1 }
        return e
    }

    private func start(of range: Range<Int>) -> Int {
        var s = range.lowerBound
        while s < range.upperBound, ArrayScan.isSpace(bytes[s]) { s += 1 }
        return s
    }

    public func kind(of range: Range<Int>) -> Kind {
        switch bytes[range.lowerBound] {
        case 0x7B: return .object
        case 0x5B: return .array
        case 0x22: return .string
        case 0x74, 0x66: return .bool
        case 0x6E: return .null
        default: return .number
        }
    }

    /// The value at `path` inside the value at `range` (default: the document), or nil when a
    /// key is missing, an index is out of range, or a step meets a value of another kind.
    public func locate(_ path: JSONPath, in range: Range<Int>? = nil) -> Range<Int>? {
        var current = range ?? all
        for step in path.steps {
            switch step {
            case let .key(key):
                guard kind(of: current) == .object, let found = member(Array(key.utf8), of: current) else { return nil }
                current = found
            case let .index(n):
                guard kind(of: current) == .array else { return nil }
                let items = elements(of: current)
                let k = n < 0 ? items.count + n : n
                guard items.indices.contains(k) else { return nil }
                current = items[k]
            }
        }
        return current
    }

    /// The ranges of an array's elements, in order.
    public func elements(of range: Range<Int>) -> [Range<Int>] {
        withCursor(at: range.lowerBound) { c in
            var out: [Range<Int>] = []
            c.i += 1
            if c.peek() == 0x5D { return out }
            while true {
                _ = c.peek()
                let s = c.i
                try c.skipValue(depth: 1)
                out.append(s ..< c.i)
                guard c.peek() == 0x2C else { return out }
                c.i += 1
            }
        } ?? []
    }

    /// The members of an object: each key (unescaped) and its value's range, in order.
    public func members(of range: Range<Int>) -> [(key: String, value: Range<Int>)] {
        withCursor(at: range.lowerBound) { c in
            var out: [(String, Range<Int>)] = []
            c.i += 1
            if c.peek() == 0x7D { return out }
            while true {
                _ = c.peek()
                let k = try c.string()
                let key = k.escaped ? String(decoding: try c.unescaped(k.start, k.end), as: UTF8.self)
                    : String(decoding: UnsafeBufferPointer(start: c.p + k.start, count: k.end - k.start), as: UTF8.self)
                try c.expect(0x3A, "':'")
                _ = c.peek()
                let s = c.i
                try c.skipValue(depth: 1)
                out.append((key, s ..< c.i))
                guard c.peek() == 0x2C else { return out }
                c.i += 1
            }
        } ?? []
    }

    private func member(_ key: [UInt8], of range: Range<Int>) -> Range<Int>? {
        withCursor(at: range.lowerBound) { c in
            c.i += 1
            if c.peek() == 0x7D { return nil }
            while true {
                _ = c.peek()
                let k = try c.string()
                let same = k.escaped ? try c.unescaped(k.start, k.end) == key
                    : k.end - k.start == key.count && (0 ..< key.count).allSatisfy { c.p[k.start + $0] == key[$0] }
                try c.expect(0x3A, "':'")
                _ = c.peek()
                let s = c.i
                try c.skipValue(depth: 1)
                if same { return s ..< c.i }
                guard c.peek() == 0x2C else { return nil }
                c.i += 1
            }
        } ?? nil
    }

    public func scalar(at range: Range<Int>) -> Scalar {
        switch kind(of: range) {
        case .object: return .object
        case .array: return .array
        case .null: return .null
        case .bool: return .bool(bytes[range.lowerBound] == 0x74)
        case .number: return .number(String(decoding: bytes[range], as: UTF8.self))
        case .string:
            return withCursor(at: range.lowerBound) { c in
                let s = try c.string()
                return .string(String(decoding: s.escaped ? try c.unescaped(s.start, s.end) : Array(bytes[s.start ..< s.end]), as: UTF8.self))
            } ?? .null
        }
    }

    /// The value's text as written.
    public func text(of range: Range<Int>) -> ArraySlice<UInt8> { bytes[range] }

    /// A scalar as text for a query parameter or a key: strings unescaped, numbers and
    /// booleans as written; nil for null, lists and objects.
    public func plainText(at range: Range<Int>) -> String? {
        switch scalar(at: range) {
        case let .string(s): return s
        case let .number(n): return n
        case let .bool(b): return b ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }

    private func withCursor<T>(at offset: Int, _ body: (inout JSONCursor) throws -> T) -> T? {
        bytes.withUnsafeBufferPointer { b in
            var c = JSONCursor(b.baseAddress!, b.count, allowNaN: true)
            c.i = offset
            return try? body(&c)
        }
    }
}

/// A document that is not valid JSON: what was expected, at which byte, line and column.
public struct JSONSyntaxError: Error, CustomStringConvertible, Equatable {
    public let offset: Int
    public let line: Int
    public let column: Int
    public let message: String

    init(_ bytes: [UInt8], _ offset: Int, _ message: String) {
        self.offset = offset
        self.message = message
        var line = 1, column = 1
        for k in 0 ..< min(offset, bytes.count) { if bytes[k] == 0x0A { line += 1; column = 1 } else { column += 1 } }
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
