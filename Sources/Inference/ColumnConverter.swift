import Columnar

/// Diagnoses values the converter could not parse (only for bad rows, so it may be slow).
enum ColumnConverter {
    /// Why a value failed its column's parser (only computed for bad rows).
    static func problem(_ p: UnsafePointer<UInt8>, _ n: Int, type: DataType, parser: ColumnParser) -> String {
        switch parser {
        case let .integer(t) where t != .int64:
            if NumberParsers.int64(p, n) != nil { return "is out of range for \(t.name)" }
        case .decimal:
            return "is not a \(type.name) (never rounded)"
        case let .timestamp(unit, utc, order):
            if let t = TemporalParts.scan(p, n), let v = t.micros(order: order) {
                if t.hasOffset && !utc { return "has a UTC offset but the column is a naive timestamp" }
                if unit == .millisecond, v % 1000 != 0 { return "has sub-millisecond digits (\(type.name) would lose them)" }
            }
        default:
            break
        }
        return "is not a \(type.name)"
    }
}

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
