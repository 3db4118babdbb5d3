import Columnar

/// Null positions of one column, built locally and turned into a `ValidityBitmap` only when
/// the column has nulls.
struct NullMask {
    private var words: [UInt64]
    private(set) var nullCount = 0
    let rows: Int

    init(rows: Int) {
        self.rows = rows
        words = [UInt64](repeating: 0, count: (rows + 63) / 64)
    }

    @inline(__always)
    mutating func setNull(_ r: Int) {
        words[r >> 6] |= 1 << UInt64(r & 63)
        nullCount += 1
    }

    func bitmap() -> ValidityBitmap? {
        guard nullCount > 0 else { return nil }
        var v = ValidityBitmap()
        v.reserveCapacity(rows)
        for r in 0 ..< rows { v.append(words[r >> 6] & (1 << UInt64(r & 63)) == 0) }
        return v
    }
}
