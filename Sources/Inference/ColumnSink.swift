import Columnar

/// One column's output while a chunk converts in row blocks. Chunks are row-major, so walking
/// one column over a whole chunk misses the cache on every field; converting a block of rows
/// column by column keeps that block's bytes in cache. Buffers are allocated once per chunk
/// and written in place (no per-value append).
struct ColumnSink {
    let type: DataType
    let parser: ColumnParser
    var nulls: NullMask
    /// Rows whose value did not parse (null placeholders were written).
    var bad: [Int] = []
    /// With `.fail`, after the first bad value the rest of the column is skipped.
    private var stopped = false
    private var bools: [Bool] = []
    private var i8: [Int8] = []
    private var i16: [Int16] = []
    private var i32: [Int32] = []
    private var i64: [Int64] = []
    private var f32: [Float] = []
    private var f64: [Double] = []
    private var dec: [Int128] = []
    private var offsets: [Int] = []
    private var data: [UInt8] = []

    init(type: DataType, parser: ColumnParser, cursor f: FieldCursor, rows: Int) {
        self.type = type
        self.parser = parser
        nulls = NullMask(rows: rows)
        switch parser {
        case .string, .binary:
            var total = 0
            for r in 0 ..< rows { total += f.field(r).n }
            // Not zero-filled: `fillBytes` writes every byte (`total` is the sum of the lengths it copies).
            data = [UInt8](unsafeUninitializedCapacity: total) { _, count in count = total }
            offsets = [Int](repeating: 0, count: rows + 1)
        case .boolean: bools = [Bool](repeating: false, count: rows)
        case .integer(.int8): i8 = [Int8](repeating: 0, count: rows)
        case .integer(.int16): i16 = [Int16](repeating: 0, count: rows)
        case .integer(.int32), .date: i32 = [Int32](repeating: 0, count: rows)
        case .integer, .timestamp: i64 = [Int64](repeating: 0, count: rows)
        case .float32: f32 = [Float](repeating: 0, count: rows)
        case .float64: f64 = [Double](repeating: 0, count: rows)
        case .decimal: dec = [Int128](repeating: 0, count: rows)
        }
    }

    mutating func fill(_ f: FieldCursor, _ rows: Range<Int>, tokens: NullTokens, stop: Bool) {
        switch parser {
        case .string, .binary:
            fillBytes(f, rows)
        case .boolean:
            Self.typed(f, rows, &bools, tokens, &nulls, &bad, stop, &stopped) { p, n in
                (n == 4 || n == 5) && ColumnInference.isBoolean(p, n) ? n == 4 : nil
            }
        case .integer(.int8):
            Self.typed(f, rows, &i8, tokens, &nulls, &bad, stop, &stopped) { p, n in NumberParsers.int64(p, n).flatMap { Int8(exactly: $0) } }
        case .integer(.int16):
            Self.typed(f, rows, &i16, tokens, &nulls, &bad, stop, &stopped) { p, n in NumberParsers.int64(p, n).flatMap { Int16(exactly: $0) } }
        case .integer(.int32):
            Self.typed(f, rows, &i32, tokens, &nulls, &bad, stop, &stopped) { p, n in NumberParsers.int64(p, n).flatMap { Int32(exactly: $0) } }
        case .integer:
            Self.typed(f, rows, &i64, tokens, &nulls, &bad, stop, &stopped) { p, n in NumberParsers.int64(p, n) }
        case .float64:
            Self.typed(f, rows, &f64, tokens, &nulls, &bad, stop, &stopped) { p, n in NumberParsers.double(p, n) }
        case .float32:
            Self.typed(f, rows, &f32, tokens, &nulls, &bad, stop, &stopped) { p, n in NumberParsers.float(p, n) }
        case let .decimal(precision, scale):
            Self.typed(f, rows, &dec, tokens, &nulls, &bad, stop, &stopped) { p, n in
                NumberParsers.decimal(p, n, precision: precision, scale: scale)
            }
        case let .date(order):
            Self.typed(f, rows, &i32, tokens, &nulls, &bad, stop, &stopped) { p, n in
                guard let t = TemporalParts.scan(p, n), !t.hasTime, let d = t.days(order: order) else { return nil }
                return Int32(exactly: d)
            }
        case let .timestamp(unit, utc, order):
            Self.typed(f, rows, &i64, tokens, &nulls, &bad, stop, &stopped) { p, n in
                guard let t = TemporalParts.scan(p, n), !(t.hasOffset && !utc), let v = t.micros(order: order) else { return nil }
                if unit == .millisecond { return v % 1000 == 0 ? v / 1000 : nil }
                return v
            }
        }
    }

    /// Parses the non-null values of `rows` into `values` (already sized to the chunk).
    @inline(__always)
    private static func typed<T>(_ f: FieldCursor, _ rows: Range<Int>, _ values: inout [T], _ tokens: NullTokens,
                                 _ nulls: inout NullMask, _ bad: inout [Int], _ stop: Bool, _ stopped: inout Bool,
                                 _ parse: (UnsafePointer<UInt8>, Int) -> T?) {
        if stopped {
            for r in rows { nulls.setNull(r) }
            return
        }
        values.withUnsafeMutableBufferPointer { out in
            for r in rows {
                if stopped { nulls.setNull(r); continue }
                let (p, n, _) = f.field(r)
                if n == 0 || (!tokens.isEmpty && tokens.matches(p, n)) {
                    nulls.setNull(r)
                } else if let v = parse(p, n) {
                    out[r] = v
                } else {
                    nulls.setNull(r)
                    bad.append(r)
                    if stop { stopped = true }
                }
            }
        }
    }

    /// String/binary: empty unquoted is null, everything else (`""`, tokens) is text.
    private mutating func fillBytes(_ f: FieldCursor, _ rows: Range<Int>) {
        var at = offsets[rows.lowerBound]
        data.withUnsafeMutableBufferPointer { out in
            offsets.withUnsafeMutableBufferPointer { off in
                for r in rows {
                    let (p, n, quoted) = f.field(r)
                    if n == 0 {
                        if !quoted { nulls.setNull(r) }
                    } else {
                        (out.baseAddress! + at).update(from: p, count: n)
                        at += n
                    }
                    off[r + 1] = at
                }
            }
        }
    }

    mutating func finish() -> Column {
        let storage: ColumnStorage
        switch parser {
        case .string, .binary: storage = .bytes(ByteArrays(offsets: offsets, data: data))
        case .boolean: storage = .boolean(bools)
        case .integer(.int8): storage = .int8(i8)
        case .integer(.int16): storage = .int16(i16)
        case .integer(.int32), .date: storage = .int32(i32)
        case .integer, .timestamp: storage = .int64(i64)
        case .float32: storage = .float32(f32)
        case .float64: storage = .float64(f64)
        case .decimal: storage = .decimal(dec)
        }
        // Storage always matches the type (the plan was built from it).
        // swiftlint:disable:next force_try
        return try! Column(type: type, storage: storage, validity: nulls.bitmap())
    }
}
