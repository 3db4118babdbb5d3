#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a JSON input's records are.
public enum JSONLayout: Sendable, Equatable {
    /// NDJSON / JSON Lines: one value per line (blank lines skipped).
    case lines
    /// An array of records: the whole input (`[]` path), or the array at a path of keys in the
    /// top-level object (`--records data.items`).
    case array(path: [String])
    /// The whole input is one record (a single, possibly pretty-printed, object).
    case document
}

/// One record's text within a block, and where it starts in the file.
struct RecordSlice: Sendable {
    var start: Int
    var end: Int
    /// 1-based line and column of the record's first byte.
    var line: Int
    var column: Int
}

/// Whole records cut from the input, with their text: the unit parse jobs work on.
struct RecordBlock: @unchecked Sendable {
    var text: [UInt8]
    var records: [RecordSlice]
    /// 1-based number of the block's first record in the input.
    var firstRecord: Int
}

/// Cuts the input's text into whole records as blocks arrive: NDJSON at line ends; an array
/// by a structural scan (strings, escapes and nesting tracked across blocks) that finds the
/// commas between its elements. Only the structure is checked here; each record is parsed,
/// strictly, by a parse job. Memory holds one block plus the record cut at its end.
struct RecordSplitter {
    let file: String
    let layout: JSONLayout
    /// Text not yet cut into records (a record cut by a block's end), with the scan's state.
    private var carry: [UInt8] = []
    private var nextRecord = 1
    // Line and column of `carry`'s first byte.
    private var carryLine = 1
    private var carryColumn = 1
    private var array = ArrayScan()

    init(file: String, layout: JSONLayout) {
        self.file = file
        self.layout = layout
        if case let .array(path) = layout { array.path = path }
    }

    /// After the last `feed`: a problem found at the end that comes after the last records'.
    func finish() throws {
        if let p = array.unclosed { throw JSONError(file: file, line: p.line, column: p.column, record: 0, message: p.message) }
    }

    /// The records that `block` completes; with `block` nil (the input's end), the last ones.
    mutating func feed(_ block: consuming [UInt8]?) throws -> RecordBlock {
        // The carry goes in front of the block inside the block's own storage (the reader
        // leaves room for it), so a block is never copied whole.
        let final = block == nil
        var text = block.take() ?? []
        text.insert(contentsOf: carry, at: 0)
        carry = []
        var records: [RecordSlice] = []
        let first = nextRecord
        var keepFrom: Int
        switch layout {
        case .lines: keepFrom = cutLines(text, final: final, into: &records)
        case .document: keepFrom = final ? cutDocument(text, into: &records) : 0
        case .array: keepFrom = try cutArray(text, final: final, into: &records)
        }
        nextRecord += records.count
        // What stays is text from `keepFrom`: advance the line and column to it.
        // Line ends found with memchr: a byte-at-a-time walk here was 5% of a JSON load.
        var line = carryLine, column = carryColumn
        text.withUnsafeBufferPointer { t in
            var lastEnd = -1, k = 0
            while let lf = memchrIndex(t, 0x0A, from: k), lf < keepFrom {
                line += 1
                lastEnd = lf
                k = lf + 1
            }
            column = lastEnd < 0 ? carryColumn + keepFrom : keepFrom - lastEnd
        }
        carry = Array(text[keepFrom...])
        carryLine = line
        carryColumn = column
        array.rebase(by: keepFrom)
        return RecordBlock(text: text, records: records, firstRecord: first)
    }

    /// Lines up to the last line end (all of them at the end); returns where the rest starts.
    private func cutLines(_ text: [UInt8], final: Bool, into records: inout [RecordSlice]) -> Int {
        var line = carryLine
        var start = 0
        return text.withUnsafeBufferPointer { t -> Int in
            var k = 0
            while k < t.count {
                guard let lf = memchrIndex(t, 0x0A, from: k) else { break }
                addLine(t, start, lf, line, &records)
                line += 1
                k = lf + 1
                start = k
            }
            if final, start < t.count {
                addLine(t, start, t.count, line, &records)
                return t.count
            }
            return start
        }
    }

    private func addLine(_ t: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ line: Int, _ records: inout [RecordSlice]) {
        var s = start, e = end
        while s < e, t[s] == 0x20 || t[s] == 0x09 || t[s] == 0x0D { s += 1 }
        while e > s, t[e - 1] == 0x20 || t[e - 1] == 0x09 || t[e - 1] == 0x0D { e -= 1 }
        if s < e { records.append(RecordSlice(start: s, end: e, line: line, column: s - start + 1)) }
    }

    private func cutDocument(_ text: [UInt8], into records: inout [RecordSlice]) -> Int {
        var s = 0
        var line = carryLine, column = carryColumn
        while s < text.count, text[s] == 0x20 || text[s] == 0x0A || text[s] == 0x0D || text[s] == 0x09 || text[s] == 0xFE {
            if text[s] == 0x0A { line += 1; column = 1 } else { column += 1 }
            s += 1
        }
        if s < text.count { records.append(RecordSlice(start: s, end: text.count, line: line, column: column)) }
        return text.count
    }

    private mutating func cutArray(_ text: [UInt8], final: Bool, into records: inout [RecordSlice]) throws -> Int {
        do {
            return try array.scan(text, final: final, line: carryLine, column: carryColumn, into: &records)
        } catch let p as ArrayScan.Problem {
            throw JSONError(file: file, line: p.line, column: p.column, record: 0, message: p.message)
        }
    }
}

/// The state of the structural scan of an array layout, carried from block to block.
struct ArrayScan {
    enum Phase { case seeking, elements, after }
    struct Problem: Error { let line: Int; let column: Int; let message: String }

    /// Keys leading from the top-level object to the array (empty: the input is the array).
    var path: [String] = []
    var phase = Phase.seeking
    /// Where the scan resumes in the next text (relative to its start).
    var position = 0
    var depth = 0
    var inString = false
    var escaped = false
    /// Start of the element being scanned (-1 before its first byte).
    var elementStart = -1
    var elementLine = 0, elementColumn = 0
    /// While seeking: each open container's kind and the last key read in each object.
    var containers: [(object: Bool, key: [UInt8]?)] = []
    var keyStart = -1
    var expectingKey = false
    var sawElement = false
    /// Open brackets inside the element being scanned: a ']' closing a '{' ends it there.
    var brackets: [UInt8] = []
    /// Set at the end when the array never closed; thrown after the last records are parsed.
    var unclosed: Problem?

    mutating func rebase(by shift: Int) {
        position -= shift
        if elementStart >= 0 { elementStart -= shift }
        if keyStart >= 0 { keyStart -= shift }
    }

    /// Scans `text` from `position`, appending the elements it completes; returns where the
    /// text still needed starts. `line`/`column` are those of `text`'s first byte.
    mutating func scan(_ text: [UInt8], final: Bool, line startLine: Int, column startColumn: Int,
                       into records: inout [RecordSlice]) throws -> Int {
        var line = startLine, column = startColumn
        // Advance the counters to `position` (text before it was scanned in an earlier block).
        for k in 0 ..< min(position, text.count) { if text[k] == 0x0A { line += 1; column = 1 } else { column += 1 } }
        var k = position
        func fail(_ message: String) -> Problem { Problem(line: line, column: column, message: message) }
        while k < text.count {
            let c = text[k]
            if inString {
                if escaped { escaped = false }
                else if c == 0x5C { escaped = true }
                else if c == 0x22 {
                    inString = false
                    if keyStart >= 0 { containers[containers.count - 1].key = Array(text[keyStart ..< k]); keyStart = -1 }
                }
            } else {
                switch phase {
                case .seeking: try seek(c, text, k, &records, line, column, fail)
                case .elements: try element(c, k, &records, line, column, fail)
                case .after:
                    if depth == 0, !Self.isSpace(c) { throw fail("unexpected text after the records' array") }
                    if c == 0x22 { inString = true } else if c == 0x7B || c == 0x5B { depth += 1 } else if c == 0x7D || c == 0x5D { depth -= 1 }
                }
            }
            if c == 0x0A { line += 1; column = 1 } else { column += 1 }
            k += 1
        }
        position = k
        if final {
            switch phase {
            case .seeking:
                throw fail(path.isEmpty ? "expected an array of records ('[')" : "no array at '\(path.joined(separator: "."))' (--records)")
            case .elements:
                // The element in progress goes to the parser, which can say what is wrong with
                // it; the array's missing ']' is reported after it (`unclosed`).
                if elementStart >= 0 {
                    records.append(RecordSlice(start: elementStart, end: text.count, line: elementLine, column: elementColumn))
                    elementStart = -1
                }
                unclosed = Problem(line: line, column: column, message: "the records' array is not closed (expected ']')")
                phase = .after
                depth = 0
                return text.count
            case .after: if depth != 0 { throw fail("the document is not closed") }
            }
        }
        // Keep the element being scanned (or, while seeking, everything: keys may be needed).
        if phase == .elements, elementStart >= 0 { return elementStart }
        return phase == .seeking ? min(keyStart >= 0 ? keyStart : k, k) : k
    }

    private mutating func seek(_ c: UInt8, _ text: [UInt8], _ k: Int, _ records: inout [RecordSlice],
                               _ line: Int, _ column: Int, _ fail: (String) -> Problem) throws {
        if Self.isSpace(c) { return }
        let atTarget = path.isEmpty ? containers.isEmpty
            : containers.count == path.count && containers.allSatisfy(\.object)
                && zip(containers, path).allSatisfy { $0.key.map { String(decoding: $0, as: UTF8.self) } == $1 }
        switch c {
        case 0x5B where atTarget && !expectingKey:
            phase = .elements
            depth = 1
        case 0x7B, 0x5B:
            if atTarget && !expectingKey { throw fail("'\(path.joined(separator: "."))' holds an object, not an array of records (--records)") }
            if containers.isEmpty, !path.isEmpty, c != 0x7B { throw fail("--records needs the input to be an object holding the array") }
            containers.append((c == 0x7B, nil))
            expectingKey = c == 0x7B
        case 0x7D, 0x5D:
            guard !containers.isEmpty else { throw fail("unbalanced '\(Character(Unicode.Scalar(c)))'") }
            containers.removeLast()
            expectingKey = false
        case 0x22:
            inString = true
            if expectingKey, containers.last?.object == true { keyStart = k + 1 }
        case 0x3A: expectingKey = false
        case 0x2C: expectingKey = containers.last?.object == true
        default:
            if containers.isEmpty { throw fail(path.isEmpty ? "expected an array of records ('[')" : "expected an object holding the records (--records)") }
            if atTarget && !expectingKey { throw fail("'\(path.joined(separator: "."))' holds a single value, not an array of records (--records)") }
        }
    }

    private mutating func element(_ c: UInt8, _ k: Int, _ records: inout [RecordSlice],
                                  _ line: Int, _ column: Int, _ fail: (String) -> Problem) throws {
        switch c {
        case 0x22:
            inString = true
            begin(k, line, column)
        case 0x7B, 0x5B:
            begin(k, line, column)
            depth += 1
            brackets.append(c)
        case 0x7D, 0x5D:
            if depth > 1, let open = brackets.popLast(), open != c - 2 {
                // A mismatched bracket: the element ends here and its parse will say why.
                end(k + 1, &records)
                depth = 1
                brackets = []
                sawElement = true
                return
            }
            if depth == 1 {
                guard c == 0x5D else { throw fail("expected ',' or ']' between records, found '}'") }
                if elementStart >= 0 { end(k, &records) } else if sawElement { throw fail("expected a record after ',', found ']'") }
                phase = .after
                depth = containers.count
            } else {
                depth -= 1
            }
        case 0x2C where depth == 1:
            guard elementStart >= 0 else { throw fail("expected a record before ','") }
            end(k, &records)
            sawElement = true
        default:
            if !Self.isSpace(c) { begin(k, line, column) }
        }
    }

    private mutating func begin(_ k: Int, _ line: Int, _ column: Int) {
        guard depth == 1, elementStart < 0 else { return }
        elementStart = k
        elementLine = line
        elementColumn = column
    }

    private mutating func end(_ k: Int, _ records: inout [RecordSlice]) {
        records.append(RecordSlice(start: elementStart, end: k, line: elementLine, column: elementColumn))
        elementStart = -1
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }
}

/// The index of the first `byte` in `t` at or after `from`.
@inline(__always)
func memchrIndex(_ t: UnsafeBufferPointer<UInt8>, _ byte: UInt8, from: Int) -> Int? {
    guard from < t.count, let base = t.baseAddress else { return nil }
    guard let hit = memchr(base + from, Int32(byte), t.count - from) else { return nil }
    return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
}
