import Columnar

/// One column of one chunk, filled straight into typed arrays (one allocation per buffer, no
/// per-value append or uniqueness check). A value that does not parse becomes a null
/// placeholder and its row goes to `bad` (the caller drops or reports the row); the problem
/// text is worked out only then, by `ColumnConverter.problem`.
enum ColumnConverter {
    static func convert(_ f: FieldCursor, rows: Int, type: DataType, parser: ColumnParser, tokens: NullTokens,
                        stopAtFirstError: Bool, bad: inout [Int]) -> Column {
        var nulls = NullMask(rows: rows)
        let storage: ColumnStorage
        switch parser {
        case .string, .binary:
            storage = .bytes(strings(f, rows: rows, nulls: &nulls))
        case .boolean:
            storage = .boolean(fill(f, rows, false, tokens, &nulls, &bad, stopAtFirstError) { p, n in
                (n == 4 || n == 5) && ColumnInference.isBoolean(p, n) ? n == 4 : nil
            })
        case .integer(.int8):
            storage = .int8(fill(f, rows, 0, tokens, &nulls, &bad, stopAtFirstError) { p, n in
                NumberParsers.int64(p, n).flatMap { Int8(exactly: $0) }
            })
        case .integer(.int16):
            storage = .int16(fill(f, rows, 0, tokens, &nulls, &bad, stopAtFirstError) { p, n in
                NumberParsers.int64(p, n).flatMap { Int16(exactly: $0) }
            })
        case .integer(.int32):
            storage = .int32(fill(f, rows, 0, tokens, &nulls, &bad, stopAtFirstError) { p, n in
                NumberParsers.int64(p, n).flatMap { Int32(exactly: $0) }
            })
        case .integer:
            storage = .int64(fill(f, rows, 0, tokens, &nulls, &bad, stopAtFirstError) { p, n in NumberParsers.int64(p, n) })
        case .float64:
            storage = .float64(fill(f, rows, 0, tokens, &nulls, &bad, stopAtFirstError) { p, n in NumberParsers.double(p, n) })
        case .float32:
            storage = .float32(fill(f, rows, 0, tokens, &nulls, &bad, stopAtFirstError) { p, n in NumberParsers.float(p, n) })
        case let .decimal(precision, scale):
            storage = .decimal(fill(f, rows, 0, tokens, &nulls, &bad, stopAtFirstError) { p, n in
                NumberParsers.decimal(p, n, precision: precision, scale: scale)
            })
        case let .date(order):
            storage = .int32(fill(f, rows, 0, tokens, &nulls, &bad, stopAtFirstError) { p, n in
                guard let t = TemporalParts.scan(p, n), !t.hasTime, let d = t.days(order: order) else { return nil }
                return Int32(exactly: d)
            })
        case let .timestamp(unit, utc, order):
            storage = .int64(fill(f, rows, 0, tokens, &nulls, &bad, stopAtFirstError) { p, n in
                guard let t = TemporalParts.scan(p, n), !(t.hasOffset && !utc), let v = t.micros(order: order) else { return nil }
                if unit == .millisecond { return v % 1000 == 0 ? v / 1000 : nil }
                return v
            })
        }
        // Storage always matches the type (the plan was built from it).
        // swiftlint:disable:next force_try
        return try! Column(type: type, storage: storage, validity: nulls.bitmap())
    }

    /// Parses every non-null value of a typed column into a preallocated array.
    @inline(__always)
    private static func fill<T>(_ f: FieldCursor, _ rows: Int, _ zero: T, _ tokens: NullTokens, _ nulls: inout NullMask,
                                _ bad: inout [Int], _ stop: Bool,
                                _ parse: (UnsafePointer<UInt8>, Int) -> T?) -> [T] {
        [T](unsafeUninitializedCapacity: rows) { out, count in
            var r = 0
            while r < rows {
                let (p, n, _) = f.field(r)
                if n == 0 || (!tokens.isEmpty && tokens.matches(p, n)) {
                    out.initializeElement(at: r, to: zero); nulls.setNull(r)
                } else if let v = parse(p, n) {
                    out.initializeElement(at: r, to: v)
                } else {
                    out.initializeElement(at: r, to: zero); nulls.setNull(r)
                    bad.append(r)
                    if stop {
                        r += 1
                        while r < rows { out.initializeElement(at: r, to: zero); nulls.setNull(r); r += 1 }
                        break
                    }
                }
                r += 1
            }
            count = rows
        }
    }

    /// String/binary: empty unquoted is null, everything else (`""`, tokens) is text.
    private static func strings(_ f: FieldCursor, rows: Int, nulls: inout NullMask) -> ByteArrays {
        guard rows > 0 else { return ByteArrays() }
        var total = 0
        for r in 0 ..< rows { total += f.field(r).n }
        var offsets = [Int](repeating: 0, count: rows + 1)
        let data = [UInt8](unsafeUninitializedCapacity: total) { out, count in
            var at = 0
            offsets.withUnsafeMutableBufferPointer { off in
                for r in 0 ..< rows {
                    let (p, n, quoted) = f.field(r)
                    if n == 0 && !quoted { nulls.setNull(r) }
                    if n > 0 { (out.baseAddress! + at).initialize(from: p, count: n) }
                    at += n
                    off[r + 1] = at
                }
            }
            count = at
        }
        return ByteArrays(offsets: offsets, data: data)
    }

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
