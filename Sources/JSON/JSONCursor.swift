/// Reads the tokens of one JSON text (a record) from UTF-8 bytes, strictly as RFC 8259 says:
/// no comments, no trailing commas, no single quotes, no control characters in strings,
/// numbers without leading zeros or a leading '+'. `NaN`, `Infinity` and `-Infinity` only
/// with `allowNaN`. Problems carry the byte offset and say what was expected.
struct JSONCursor {
    let p: UnsafePointer<UInt8>
    let n: Int
    var i = 0
    let allowNaN: Bool

    init(_ p: UnsafePointer<UInt8>, _ n: Int, allowNaN: Bool) {
        self.p = p
        self.n = n
        self.allowNaN = allowNaN
    }

    @inline(__always)
    mutating func skipSpace() {
        while i < n {
            let c = p[i]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i += 1
        }
    }

    /// The next byte after whitespace, or nil at the end.
    @inline(__always)
    mutating func peek() -> UInt8? {
        skipSpace()
        return i < n ? p[i] : nil
    }

    /// Consumes `c` after whitespace, or fails saying what was expected.
    @inline(__always)
    mutating func expect(_ c: UInt8, _ what: String) throws {
        guard peek() == c else { throw problem("expected \(what)") }
        i += 1
    }

    /// A string at `i` (which holds '"'): its content's range and whether it holds escapes.
    @inline(__always)
    mutating func string() throws -> (start: Int, end: Int, escaped: Bool) {
        i += 1
        let start = i
        var escaped = false
        while i < n {
            // Eight bytes at a time up to the first '"', '\\' or control character: most of a
            // record's bytes are inside strings, and both passes scan every one.
            while i + 8 <= n {
                let v = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                let quote = v ^ 0x2222_2222_2222_2222, backslash = v ^ 0x5C5C_5C5C_5C5C_5C5C
                let ones: UInt64 = 0x0101_0101_0101_0101
                // A byte's high bit is set where it is zero (quote, backslash) or below 0x20;
                // bits above the lowest hit may be false, so only the lowest is used.
                let hits = ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (v &- 0x2020_2020_2020_2020) & ~v)
                    & 0x8080_8080_8080_8080
                if hits != 0 { i += hits.trailingZeroBitCount >> 3; break }
                i += 8
            }
            guard i < n else { break }
            let c = p[i]
            if c == 0x22 { i += 1; return (start, i - 1, escaped) }
            if c == 0x5C {
                escaped = true
                try escape()
                continue
            }
            if c < 0x20 { throw problem("a control character (0x\(String(c, radix: 16))) must be escaped inside a string") }
            i += 1
        }
        throw RecordProblem(offset: start - 1, message: "a string that is never closed (expected '\"')")
    }

    /// Checks the escape at `i` (a backslash) and moves past it.
    private mutating func escape() throws {
        guard i + 1 < n else { throw problem("an escape cut short at the end of the record") }
        switch p[i + 1] {
        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: i += 2
        case 0x75:
            guard i + 5 < n, (2 ... 5).allSatisfy({ Self.hex(p[i + $0]) != nil }) else {
                throw problem("\\u must be followed by four hex digits")
            }
            i += 6
        default:
            throw problem("'\\\(Character(Unicode.Scalar(p[i + 1])))' is not a JSON escape (use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)")
        }
    }

    /// A number at `i`: its range, and whether it is an integer (no fraction, no exponent).
    @inline(__always)
    mutating func number() throws -> (start: Int, end: Int, integer: Bool) {
        let start = i
        if p[i] == 0x2D { i += 1 }
        if allowNaN, let special = special() { return (start, special, false) }
        guard i < n, p[i] &- 0x30 < 10 else { throw problem("expected a digit") }
        if p[i] == 0x30 {
            i += 1
            if i < n, p[i] &- 0x30 < 10 { throw problem("a number may not start with 0 followed by digits") }
        } else {
            while i < n, p[i] &- 0x30 < 10 { i += 1 }
        }
        var integer = true
        if i < n, p[i] == 0x2E {
            integer = false
            i += 1
            guard i < n, p[i] &- 0x30 < 10 else { throw problem("expected a digit after '.'") }
            while i < n, p[i] &- 0x30 < 10 { i += 1 }
        }
        if i < n, p[i] | 0x20 == 0x65 {
            integer = false
            i += 1
            if i < n, p[i] == 0x2B || p[i] == 0x2D { i += 1 }
            guard i < n, p[i] &- 0x30 < 10 else { throw problem("expected a digit in the exponent") }
            while i < n, p[i] &- 0x30 < 10 { i += 1 }
        }
        return (start, i, integer)
    }

    /// `NaN` or `Infinity` at `i` (after an optional '-'): its end, moving past it.
    private mutating func special() -> Int? {
        for word in [Self.nan, Self.infinity] where matches(word) {
            i += word.count
            return i
        }
        return nil
    }

    static let nan = Array("NaN".utf8), infinity = Array("Infinity".utf8)
    static let trueWord = Array("true".utf8), falseWord = Array("false".utf8), nullWord = Array("null".utf8)

    @inline(__always)
    func matches(_ word: [UInt8]) -> Bool {
        guard i + word.count <= n else { return false }
        for k in 0 ..< word.count where p[i + k] != word[k] { return false }
        return true
    }

    /// `true`, `false` or `null` at `i`, or a problem naming what was found.
    @inline(__always)
    mutating func literal(_ word: [UInt8]) throws {
        guard matches(word) else { throw problem("expected a value (a string, number, object, array, true, false or null)") }
        i += word.count
    }

    /// Moves past one whole value of any kind (checking it), from `i`; `depth` bounds nesting.
    mutating func skipValue(depth: Int) throws {
        guard let c = peek() else { throw problem("expected a value") }
        switch c {
        case 0x22: _ = try string()
        case 0x7B:
            try nest(depth)
            i += 1
            if peek() == 0x7D { i += 1; return }
            while true {
                guard peek() == 0x22 else { throw problem("expected a key in double quotes") }
                _ = try string()
                try expect(0x3A, "':' after a key")
                try skipValue(depth: depth + 1)
                guard let next = peek() else { throw problem("expected ',' or '}' in an object") }
                i += 1
                if next == 0x7D { return }
                guard next == 0x2C else { i -= 1; throw problem("expected ',' or '}' in an object") }
            }
        case 0x5B:
            try nest(depth)
            i += 1
            if peek() == 0x5D { i += 1; return }
            while true {
                try skipValue(depth: depth + 1)
                guard let next = peek() else { throw problem("expected ',' or ']' in an array") }
                i += 1
                if next == 0x5D { return }
                guard next == 0x2C else { i -= 1; throw problem("expected ',' or ']' in an array") }
            }
        case 0x74: try literal(Self.trueWord)
        case 0x66: try literal(Self.falseWord)
        case 0x6E: try literal(Self.nullWord)
        default:
            guard c == 0x2D || c &- 0x30 < 10 || (allowNaN && (c == 0x4E || c == 0x49)) else {
                throw problem(notAValue(c))
            }
            _ = try number()
        }
    }

    /// Nesting deeper than this is an error, not a stack overflow.
    static let maxDepth = 512

    @inline(__always)
    func nest(_ depth: Int) throws {
        if depth >= Self.maxDepth { throw problem("nested more than \(Self.maxDepth) levels deep") }
    }

    func notAValue(_ c: UInt8) -> String {
        if !allowNaN, c == 0x4E || c == 0x49 { return "NaN and Infinity are not JSON numbers (allow them with --allow-nan)" }
        return "expected a value (a string, number, object, array, true, false or null)"
    }

    /// What was found at `i`, for "expected …, found …".
    func problem(_ expected: String) -> RecordProblem {
        guard i < n else { return RecordProblem(offset: i, message: expected + ", found the end of the record") }
        let c = p[i]
        let found = c >= 0x20 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16))"
        if expected.hasPrefix("expected") { return RecordProblem(offset: i, message: expected + ", found " + found) }
        return RecordProblem(offset: i, message: expected)
    }

    /// The UTF-8 of a string's content with its escapes resolved (surrogate pairs joined).
    func unescaped(_ start: Int, _ end: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var k = start
        while k < end {
            let c = p[k]
            guard c == 0x5C else { out.append(c); k += 1; continue }
            let e = p[k + 1]
            k += 2
            switch e {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = hex4(k)
                k += 4
                if (0xD800 ... 0xDBFF).contains(scalar) {
                    guard k + 5 < end + 1, p[k] == 0x5C, p[k + 1] == 0x75, case let low = hex4(k + 2), (0xDC00 ... 0xDFFF).contains(low) else {
                        throw RecordProblem(offset: k - 6, message: "a \\u escape holds half of a surrogate pair")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    k += 6
                } else if (0xDC00 ... 0xDFFF).contains(scalar) {
                    throw RecordProblem(offset: k - 6, message: "a \\u escape holds half of a surrogate pair")
                }
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
            default: out.append(e)   // \" \\ \/
            }
        }
        return out
    }

    private func hex4(_ k: Int) -> UInt32 {
        (0 ..< 4).reduce(UInt32(0)) { $0 << 4 | UInt32(Self.hex(p[k + $1])!) }
    }

    @inline(__always)
    static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30 ... 0x39: return c - 0x30
        case 0x41 ... 0x46: return c - 0x37
        case 0x61 ... 0x66: return c - 0x57
        default: return nil
        }
    }
}
