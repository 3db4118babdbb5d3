/// Rules shared by the block parser, the splitter and the sample parser:
/// - A field starting with the quote character is quoted: delimiters and line ends inside
///   are content, a doubled quote is one quote. Text after the closing quote up to the next
///   delimiter or line end is kept as is (`"a"b` → `ab`).
/// - A quote inside an unquoted field is an ordinary character (`5"2` stays `5"2`).
/// - Records end at LF, CRLF or a lone CR. A record with no characters (a blank line) is skipped.
/// - Physical lines count every LF and every CR not followed by LF, inside quotes too.
struct ParseSettings: Sendable {
    let delimiter: UInt8
    let quote: UInt8
    let columnCount: Int
    /// Drop the empty unquoted field a trailing delimiter creates (`a,b,` → 2 fields).
    let trailingDelimiter: Bool
    let keepRawBadRows: Bool
    let failOnBadRow: Bool
    let fileName: String
}

/// A row dropped by the skip/reject policy.
struct BadRow: Sendable {
    let line: Int
    let found: Int
    /// The row's source text (UTF-8, without its line end); only kept for `reject`.
    let raw: [UInt8]
}

/// One parsed block: rows in file order, rows dropped, or the error that ends the stream.
struct ParsedBlock: @unchecked Sendable {
    var chunk: FieldChunk
    var badRows: [BadRow]
    var error: CSVError?
    /// Rows parsed: `chunk.rowCount`, kept when a staged chunk's buffers are released.
    var rows: Int

    init(chunk: FieldChunk, badRows: [BadRow], error: CSVError?) {
        self.chunk = chunk
        self.badRows = badRows
        self.error = error
        rows = chunk.rowCount
    }
}

/// Parses one block of complete records (the last block may end without a line end).
/// `input` must have `scanPadding` readable bytes after `count`. The chunk's arrays reuse the
/// storage of `spare` (a released chunk nothing else references) where it is large enough.
func parseBlock(_ input: UnsafeBufferPointer<UInt8>, startLine: Int, lineEnds: Int, settings: ParseSettings,
                reusing spare: consuming FieldChunk = FieldChunk(columnCount: 0)) -> ParsedBlock {
    let n = input.count
    let cols = settings.columnCount
    let maxRecords = lineEnds + 1
    var result = (o: 0, k: 0, rows: 0, bad: [BadRow](), error: CSVError?.none)
    var chunk = FieldChunk(columnCount: cols)
    swap(&chunk.bytes, &spare.bytes)
    swap(&chunk.bounds, &spare.bounds)
    swap(&chunk.flags, &spare.flags)
    swap(&chunk.lines, &spare.lines)
    ensureCount(&chunk.bytes, n + scanPadding)
    ensureCount(&chunk.bounds, maxRecords * cols + cols + 2)
    ensureCount(&chunk.flags, maxRecords * cols + cols + 1)
    ensureCount(&chunk.lines, maxRecords)
    chunk.bytes.withUnsafeMutableBufferPointer { out in
        chunk.bounds.withUnsafeMutableBufferPointer { bnd in
            chunk.flags.withUnsafeMutableBufferPointer { flg in
                chunk.lines.withUnsafeMutableBufferPointer { lns in
                    result = parseRecords(input.baseAddress!, n, startLine: startLine, settings: settings,
                                          out: out.baseAddress!, bounds: bnd.baseAddress!, flags: flg.baseAddress!, lines: lns.baseAddress!)
                }
            }
        }
    }
    // Trimmed to what was written (for these element types, only the count changes).
    chunk.bytes.removeLast(chunk.bytes.count - result.o)
    chunk.bounds.removeLast(chunk.bounds.count - (result.rows * cols + 1))
    chunk.flags.removeLast(chunk.flags.count - result.rows * cols)
    chunk.lines.removeLast(chunk.lines.count - result.rows)
    return ParsedBlock(chunk: chunk, badRows: result.bad, error: result.error)
}

/// Grows `array` to at least `count` elements, keeping its storage when it has room; only the
/// elements added are zeroed (the parser overwrites them all before they are read).
@inline(__always)
private func ensureCount<T: FixedWidthInteger>(_ array: inout [T], _ count: Int) {
    if array.count < count { array.append(contentsOf: repeatElement(0, count: count - array.count)) }
}

private func parseRecords(_ inp: UnsafePointer<UInt8>, _ n: Int, startLine: Int, settings: ParseSettings,
                          out: UnsafeMutablePointer<UInt8>, bounds: UnsafeMutablePointer<Int32>,
                          flags: UnsafeMutablePointer<UInt8>, lines: UnsafeMutablePointer<Int>)
    -> (o: Int, k: Int, rows: Int, bad: [BadRow], error: CSVError?) {
    let d = settings.delimiter, q = settings.quote
    let cols = settings.columnCount
    let maxStore = cols + 1
    var p = 0, o = 0, k = 0, rows = 0
    var line = startLine
    var bad: [BadRow] = []
    bounds[0] = 0

    /// Copies inp[from..<to] to out[o...]; short runs as one 32-byte vector store (both
    /// buffers have padding, and bytes past the run are overwritten later).
    @inline(__always) func copy(_ from: Int, _ to: Int) {
        let len = to - from
        if len <= 32 {
            copy32(out + o, inp + from)
        } else {
            (out + o).update(from: inp + from, count: len)
        }
        o += len
    }

    while p < n {
        let c0 = inp[p]
        if c0 == byteLF { line += 1; p += 1; continue }
        if c0 == byteCR { line += 1; p += 1; if p < n && inp[p] == byteLF { p += 1 }; continue }
        let recordLine = line, recordP = p, recordO = o, recordK = k
        var fieldCount = 0
        var lastQuoted = false, lastEmpty = false
        while true {
            let fieldStart = o
            var quoted = false
            if p < n && inp[p] == q {
                quoted = true
                let openLine = line
                p += 1
                while true {
                    let s = firstOf3(inp, from: p, n, q, byteCR, byteLF)
                    copy(p, s)
                    p = s
                    if p >= n {
                        return (recordO, recordK, rows, bad, CSVError(file: settings.fileName, line: openLine, kind: .unterminatedQuote))
                    }
                    let c = inp[p]
                    p += 1
                    if c == q {
                        if p < n && inp[p] == q { out[o] = q; o += 1; p += 1; continue }
                        break
                    }
                    out[o] = c
                    o += 1
                    if c == byteLF || inp[p] != byteLF { line += 1 }   // a CR followed by LF is counted at the LF
                }
                if p < n {
                    let c = inp[p]
                    if c != d && c != byteCR && c != byteLF {
                        let s = firstOf3(inp, from: p, n, d, byteCR, byteLF)
                        copy(p, s)
                        p = s
                    }
                }
            } else {
                let s = firstOf3(inp, from: p, n, d, byteCR, byteLF)
                copy(p, s)
                p = s
            }
            fieldCount += 1
            if fieldCount <= maxStore {
                bounds[k + 1] = Int32(truncatingIfNeeded: o)
                flags[k] = quoted ? FieldChunk.quotedFlag : 0
                k += 1
            }
            lastQuoted = quoted
            lastEmpty = o == fieldStart
            if p >= n { break }
            let c = inp[p]
            p += 1
            if c == d { continue }
            line += 1
            if c == byteCR && p < n && inp[p] == byteLF { p += 1 }
            break
        }
        if settings.trailingDelimiter && fieldCount == cols + 1 && lastEmpty && !lastQuoted {
            fieldCount -= 1
            k -= 1
        }
        if fieldCount == cols {
            lines[rows] = recordLine
            rows += 1
            continue
        }
        k = recordK
        o = recordO
        if settings.failOnBadRow {
            return (o, k, rows, bad, CSVError(file: settings.fileName, line: recordLine, kind: .fieldCount(expected: cols, found: fieldCount)))
        }
        var raw: [UInt8] = []
        if settings.keepRawBadRows {
            var end = p
            while end > recordP && (inp[end - 1] == byteLF || inp[end - 1] == byteCR) { end -= 1 }
            raw = Array(UnsafeBufferPointer(start: inp + recordP, count: end - recordP))
        }
        bad.append(BadRow(line: recordLine, found: fieldCount, raw: raw))
    }
    return (o, k, rows, bad, nil)
}
