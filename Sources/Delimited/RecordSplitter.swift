/// Finds record ends in a growing buffer of UTF-8 so the stream can be cut into blocks that
/// parse independently. It runs the same quote state machine as `parseBlock`, but only
/// looks at structural bytes, 32 at a time unless a quote opens in the middle of a field.
struct RecordSplitter {
    enum State { case fieldStart, unquoted, inQuoted, afterQuote }

    let delimiter: UInt8
    let quote: UInt8
    var state = State.fieldStart
    /// Bytes of the current buffer already scanned.
    var scanned = 0
    var records = 0
    /// Physical line ends (every LF, every CR not followed by LF) in the scanned bytes: counted
    /// here, where the bytes are loaded anyway, instead of by a second pass over each block.
    private(set) var lineEnds = 0
    /// Line ends in the block the last cut completed.
    private(set) var cutLineEnds = 0

    init(delimiter: UInt8, quote: UInt8) {
        self.delimiter = delimiter
        self.quote = quote
    }

    /// Scans `p[scanned..<n]` and returns the offset just after the first record end that
    /// completes a block (`records >= rowLimit` or the offset reaches `byteLimit`), or nil.
    /// Unless `final`, the last byte is left unscanned so a CR always sees the next byte.
    /// Needs 32 readable bytes past `n`.
    mutating func nextCut(_ p: UnsafePointer<UInt8>, _ n: Int, final: Bool, rowLimit: Int, byteLimit: Int) -> Int? {
        let limit = final ? n : max(0, n - 1)
        var i = scanned
        let d = delimiter, q = quote
        while i < limit {
            let valid: UInt32 = i + 32 <= limit ? ~0 : (1 << UInt32(limit - i)) &- 1
            let qm = mask32(p + i, q) & valid
            if qm == 0 && state == .inQuoted { lineEnds += lineEndCount(p, i, n, valid); i += 32; continue }
            let nl = (mask32(p + i, byteCR) | mask32(p + i, byteLF)) & valid
            if qm == 0 {
                // Outside quotes for the whole vector: every CR/LF ends a record.
                if nl != 0, let at = recordEnds(nl, p, vector: i, n, rowLimit: rowLimit, byteLimit: byteLimit) { return at }
                lineEnds += lineEndCount(p, i, n, valid)
                let last = p[min(i + 32, limit) - 1]
                state = (last == d || last == byteCR || last == byteLF) ? .fieldStart : .unquoted
                i += 32
                continue
            }
            // Quotes, when each one that opens a quoted section starts a field: the bytes inside
            // quotes are those after an odd number of quotes (a prefix XOR; an escaped `""`
            // closes and reopens), and the CR/LFs outside them end records.
            let dm = mask32(p + i, d) & valid
            var parity = qm
            parity ^= parity << 1; parity ^= parity << 2; parity ^= parity << 4; parity ^= parity << 8; parity ^= parity << 16
            let inside = state == .inQuoted ? ~parity : parity  // an opening quote is inside, a closing one not
            let closing = qm & ~inside
            let fieldStarts = (((dm | nl) & ~inside) | closing) << 1 | (state == .fieldStart || state == .afterQuote ? 1 : 0)
            if qm & inside & ~fieldStarts == 0 {
                let ends = nl & ~inside
                if ends != 0, let at = recordEnds(ends, p, vector: i, n, rowLimit: rowLimit, byteLimit: byteLimit) { return at }
                lineEnds += lineEndCount(p, i, n, valid)
                let lastBit: UInt32 = 1 << UInt32(min(32, limit - i) - 1)
                state = inside & lastBit != 0 ? .inQuoted : closing & lastBit != 0 ? .afterQuote
                    : (dm | nl) & lastBit != 0 ? .fieldStart : .unquoted
                i += 32
                continue
            }
            // Slow path: walk the structural bytes in order, noting gaps of ordinary bytes.
            var bits = qm | nl | dm
            var prev = -1
            let width = min(32, limit - i)
            while bits != 0 {
                let j = bits.trailingZeroBitCount
                bits &= bits - 1
                if j > prev + 1 { ordinary() }
                prev = j
                let c = p[i + j]
                switch state {
                case .inQuoted:
                    if c == q { state = .afterQuote }
                case .afterQuote:
                    if c == q { state = .inQuoted }
                    else if c == d { state = .fieldStart }
                    else if let at = recordEnd(p, i + j, n, vector: i, rowLimit: rowLimit, byteLimit: byteLimit) { return at }
                case .fieldStart:
                    if c == q { state = .inQuoted }
                    else if c != d, let at = recordEnd(p, i + j, n, vector: i, rowLimit: rowLimit, byteLimit: byteLimit) { return at }
                case .unquoted:
                    if c == d { state = .fieldStart }
                    else if c != q, let at = recordEnd(p, i + j, n, vector: i, rowLimit: rowLimit, byteLimit: byteLimit) { return at }
                }
            }
            if width > prev + 1 { ordinary() }
            lineEnds += lineEndCount(p, i, n, valid)
            i += 32
        }
        scanned = min(i, limit)
        return nil
    }

    /// Counts the record ends `ends` of the vector at `i`; the cut offset when one completes a block.
    @inline(__always)
    private mutating func recordEnds(_ ends: UInt32, _ p: UnsafePointer<UInt8>, vector i: Int, _ n: Int, rowLimit: Int, byteLimit: Int) -> Int? {
        let count = ends.nonzeroBitCount
        if records + count >= rowLimit || i + 32 >= byteLimit {
            var bits = ends
            while bits != 0 {
                let j = i + bits.trailingZeroBitCount
                bits &= bits - 1
                records += 1
                if records >= rowLimit || j + 1 >= byteLimit { return cut(p, at: j, n, vector: i) }
            }
        }
        records += count
        return nil
    }

    @inline(__always) private mutating func ordinary() {
        if state == .fieldStart || state == .afterQuote { state = .unquoted }
    }

    private mutating func recordEnd(_ p: UnsafePointer<UInt8>, _ j: Int, _ n: Int, vector: Int, rowLimit: Int, byteLimit: Int) -> Int? {
        state = .fieldStart
        records += 1
        if records >= rowLimit || j + 1 >= byteLimit { return cut(p, at: j, n, vector: vector) }
        return nil
    }

    /// Cut after the line end at `j` (after both bytes of a CRLF), in the vector starting at `vector`.
    private mutating func cut(_ p: UnsafePointer<UInt8>, at j: Int, _ n: Int, vector: Int) -> Int {
        let end = (p[j] == byteCR && j + 1 < n && p[j + 1] == byteLF) ? j + 2 : j + 1
        // The vector's line ends up to the cut; a CRLF that straddles the vector's end (span 33)
        // ends its line at the LF just past it.
        let span = end - vector
        lineEnds += lineEndCount(p, vector, n, span >= 32 ? ~0 : (1 << UInt32(span)) &- 1) + (span > 32 ? 1 : 0)
        cutLineEnds = lineEnds
        lineEnds = 0
        state = .fieldStart
        records = 0
        scanned = 0
        return end
    }

    /// Line ends among the `valid` bytes of the vector at `i`: LFs, and CRs whose next byte
    /// (inside `n`: bytes past it are padding) is not an LF.
    @inline(__always) private func lineEndCount(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int, _ valid: UInt32) -> Int {
        let lf = mask32(p + i, byteLF), cr = mask32(p + i, byteCR) & valid
        let data: UInt32 = i + 32 <= n ? ~0 : (1 << UInt32(n - i)) &- 1
        let nextIsLF: UInt32 = i + 32 < n && p[i + 32] == byteLF ? 1 << 31 : 0
        return (lf & valid).nonzeroBitCount + (cr & ~(((lf & data) >> 1) | nextIsLF)).nonzeroBitCount
    }
}
