/// RLE / bit-packing hybrid encoder specialised for flat definition levels (bit width 1).
///
/// Levels are the validity bits themselves, so it works a byte (eight rows) at a time:
/// a byte of all-valid or all-null rows extends a run, any other byte is one bit-packed
/// group verbatim. Runs shorter than two bytes are folded into the bit-packed groups.
struct DefinitionLevelEncoder {
    private(set) var out: [UInt8] = []
    private var literal: [UInt8] = []
    private var runByte: UInt8 = 0
    private var runBytes = 0
    private var pending: UInt8 = 0
    private var pendingBits = 0

    init() { literal.reserveCapacity(63) }

    /// Encoded size so far (for page-size estimates).
    var byteCount: Int { out.count + literal.count + (runBytes > 0 ? 2 : 0) }

    @inline(__always)
    private mutating func flushLiteral() {
        guard !literal.isEmpty else { return }
        out.append(UInt8(literal.count << 1 | 1))
        out.append(contentsOf: literal)
        literal.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    private mutating func appendLiteral(_ b: UInt8) {
        literal.append(b)
        if literal.count == 63 { flushLiteral() }
    }

    private mutating func flushRun() {
        guard runBytes > 0 else { return }
        if runBytes == 1 {
            appendLiteral(runByte)
        } else {
            flushLiteral()
            var h = UInt64(runBytes * 8) << 1
            while h >= 0x80 { out.append(UInt8(truncatingIfNeeded: h) | 0x80); h >>= 7 }
            out.append(UInt8(h))
            out.append(runByte & 1)
        }
        runBytes = 0
    }

    /// Eight levels, LSB first.
    @inline(__always)
    mutating func putByte(_ b: UInt8) {
        if b == 0 || b == 0xFF {
            if runBytes > 0 && b == runByte { runBytes += 1; return }
            flushRun()
            runByte = b
            runBytes = 1
        } else {
            flushRun()
            appendLiteral(b)
        }
    }

    @inline(__always)
    mutating func putBit(_ valid: Bool) {
        if valid { pending |= 1 << UInt8(pendingBits) }
        pendingBits += 1
        if pendingBits == 8 { putByte(pending); pending = 0; pendingBits = 0 }
    }

    /// `count` rows that are all valid (or all null).
    mutating func putRepeated(_ valid: Bool, count: Int) {
        var n = count
        while n > 0 && pendingBits != 0 { putBit(valid); n -= 1 }
        let bytes = n / 8
        if bytes > 0 {
            let b: UInt8 = valid ? 0xFF : 0
            if runBytes > 0 && runByte == b { runBytes += bytes } else { flushRun(); runByte = b; runBytes = bytes }
        }
        for _ in 0 ..< n % 8 { putBit(valid) }
    }

    /// Rows `range` of a validity bitmap (LSB-first words); returns how many are null.
    mutating func put(words: UnsafeBufferPointer<UInt64>, _ range: Range<Int>) -> Int {
        var i = range.lowerBound
        var valid = 0
        let end = range.upperBound
        while i < end && (pendingBits != 0 || i & 7 != 0) {
            let v = words[i >> 6] & (1 << UInt64(i & 63)) != 0
            putBit(v); if v { valid += 1 }; i += 1
        }
        let raw = UnsafeRawBufferPointer(words)
        while i + 8 <= end {
            let b = raw[i >> 3]
            valid += b.nonzeroBitCount
            putByte(b)
            i += 8
        }
        while i < end {
            let v = words[i >> 6] & (1 << UInt64(i & 63)) != 0
            putBit(v); if v { valid += 1 }; i += 1
        }
        return range.count - valid
    }

    /// Appends the encoded levels to `dest` and resets.
    mutating func finish(into dest: inout [UInt8]) {
        flushRun()
        if pendingBits > 0 { appendLiteral(pending); pending = 0; pendingBits = 0 }
        flushLiteral()
        dest.append(contentsOf: out)
        out.removeAll(keepingCapacity: true)
    }
}
