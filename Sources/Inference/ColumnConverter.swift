import Columnar

/// One column of one chunk: a loop per parser so the hot path has no per-value switch.
/// A value that does not parse gets a null placeholder and an entry in `errors`
/// (the caller drops or reports the row).
enum ColumnConverter {
    static func convert(_ f: inout FieldCursor, rows: Int, type: DataType, parser: ColumnParser, tokens: NullTokens,
                        stopAtFirstError: Bool, errors: inout [(row: Int, problem: String)]) -> Column {
        var b = ColumnBuilder(type: type, capacity: rows)
        let notA = "is not a \(type.name)"

        /// Runs `parse` on every non-null value of a typed column; false marks the row bad.
        @inline(__always)
        func typed(_ parse: (UnsafePointer<UInt8>, Int, inout ColumnBuilder) -> String?) {
            for r in 0 ..< rows {
                let (p, n, _) = f.field(r)
                if n == 0 || (!tokens.isEmpty && tokens.matches(p, n)) { b.appendNull(); continue }
                if let problem = parse(p, n, &b) {
                    b.appendNull()
                    errors.append((r, problem))
                    if stopAtFirstError {
                        for _ in r + 1 ..< rows { b.appendNull() }
                        return
                    }
                }
            }
        }

        switch parser {
        case .string, .binary:
            for r in 0 ..< rows {
                let (p, n, quoted) = f.field(r)
                if n == 0 && !quoted { b.appendNull() } else { b.append(bytes: UnsafeRawBufferPointer(start: p, count: n)) }
            }
        case .boolean:
            typed { p, n, b in
                guard (n == 4 || n == 5), ColumnInference.isBoolean(p, n) else { return notA }
                b.append(n == 4)
                return nil
            }
        case let .integer(t):
            typed { p, n, b in
                guard let v = NumberParsers.int64(p, n) else { return notA }
                switch t {
                case .int8: guard let x = Int8(exactly: v) else { return "is out of range for int8" }; b.append(x)
                case .int16: guard let x = Int16(exactly: v) else { return "is out of range for int16" }; b.append(x)
                case .int32: guard let x = Int32(exactly: v) else { return "is out of range for int32" }; b.append(x)
                default: b.append(v)
                }
                return nil
            }
        case .float64:
            typed { p, n, b in
                guard let v = NumberParsers.double(p, n) else { return notA }
                b.append(v)
                return nil
            }
        case .float32:
            typed { p, n, b in
                guard let v = NumberParsers.float(p, n) else { return notA }
                b.append(v)
                return nil
            }
        case let .decimal(precision, scale):
            typed { p, n, b in
                guard let v = NumberParsers.decimal(p, n, precision: precision, scale: scale) else {
                    return "is not a \(type.name) (never rounded)"
                }
                b.append(v)
                return nil
            }
        case let .date(order):
            typed { p, n, b in
                guard let t = TemporalParts.scan(p, n), !t.hasTime, let d = t.days(order: order),
                      let d32 = Int32(exactly: d) else { return notA }
                b.append(d32)
                return nil
            }
        case let .timestamp(unit, utc, order):
            typed { p, n, b in
                guard let t = TemporalParts.scan(p, n), var v = t.micros(order: order) else { return notA }
                if t.hasOffset && !utc { return "has a UTC offset but the column is a naive timestamp" }
                if unit == .millisecond {
                    guard v % 1000 == 0 else { return "has sub-millisecond digits (\(type.name) would lose them)" }
                    v /= 1000
                }
                b.append(v)
                return nil
            }
        }
        return b.finish()
    }
}
