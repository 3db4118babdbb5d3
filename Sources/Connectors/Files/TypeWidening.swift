import Columnar

/// How typed columns from different objects (Parquet files, or objects of different formats)
/// meet in one dataset column: the narrowest type both fit exactly, and the cast into it.
/// Nothing is rounded: an int64 past 2^53 refused as float64, a decimal past 38 digits refused.
enum TypeWidening {
    /// The narrowest type that holds every value of `a` and of `b`, or nil (then the column is a
    /// string where text can be had, else an error).
    static func widen(_ a: DataType, _ b: DataType) -> DataType? {
        if a == b { return a }
        switch (a, b) {
        case _ where integerDigits(a) != nil && integerDigits(b) != nil:
            return integerDigits(a)! >= integerDigits(b)! ? a : b
        case (.float32, .float64), (.float64, .float32): return .float64
        case _ where (integerDigits(a) != nil || a == .float32) && b == .float64: return .float64
        case _ where (integerDigits(b) != nil || b == .float32) && a == .float64: return .float64
        case let (.decimal(p1, s1), .decimal(p2, s2)): return decimal(max(p1 - s1, p2 - s2), max(s1, s2))
        case let (.decimal(p, s), other), let (other, .decimal(p, s)):
            guard let digits = integerDigits(other) else { return nil }
            return decimal(max(p - s, digits), s)
        case let (.date, .timestamp(unit, false)), let (.timestamp(unit, false), .date): return .timestamp(unit: unit, utc: false)
        case let (.timestamp(_, u1), .timestamp(_, u2)) where u1 == u2: return .timestamp(unit: .microsecond, utc: u1)
        default: return nil
        }
    }

    private static func decimal(_ integer: Int, _ scale: Int) -> DataType? {
        integer + scale <= 38 ? .decimal(precision: integer + scale, scale: scale) : nil
    }

    /// Digits of the largest value of an integer type.
    static func integerDigits(_ t: DataType) -> Int? {
        switch t {
        case .int8: return 3
        case .int16: return 5
        case .int32: return 10
        case .int64: return 19
        default: return nil
        }
    }

    /// A flat type whose values have one text form (`string` fallback for typed objects).
    static func hasText(_ t: DataType) -> Bool {
        switch t {
        case .boolean, .int8, .int16, .int32, .int64, .float32, .float64, .decimal, .date, .timestamp, .string: return true
        default: return false
        }
    }

    /// `c` as type `to` (one `widen` allowed, or text): `where_` names the object and column.
    static func cast(_ c: Column, to target: DataType, where place: @autoclosure () -> String) throws -> Column {
        if c.type == target { return c }
        let n = c.count
        var b = ColumnBuilder(type: target, capacity: n)
        func fail(_ i: Int) -> FilesCastError {
            FilesCastError(message: "\(place()): value \(c.value(at: i)) of type \(c.type.name) does not fit \(target.name) exactly")
        }
        switch target {
        case .string:
            for i in 0 ..< n {
                if c.isNull(i) { b.appendNull(); continue }
                guard let text = text(c, i) else { throw FilesCastError(message: "\(place()): \(c.type.name) values have no text form") }
                b.append(string: text)
            }
        case .int64, .int32, .int16:
            for i in 0 ..< n {
                if c.isNull(i) { b.appendNull(); continue }
                guard case let .int(v) = c.value(at: i) else { throw fail(i) }
                try b.append(Value.int(v))
            }
        case .float64:
            for i in 0 ..< n {
                if c.isNull(i) { b.appendNull(); continue }
                switch c.value(at: i) {
                case let .int(v):
                    // A double holds every integer up to 2^53; past it, the value would be rounded.
                    guard v.magnitude <= 1 << 53 else { throw fail(i) }
                    b.append(Double(v))
                case let .float(v): b.append(v)
                default: throw fail(i)
                }
            }
        case let .decimal(p, s):
            let (fromScale, _) = decimalShape(c.type)
            let factor = Decimal128.powersOfTen[s - fromScale]
            for i in 0 ..< n {
                if c.isNull(i) { b.appendNull(); continue }
                let v: Int128
                switch c.value(at: i) {
                case let .int(x): v = Int128(x) * factor
                case let .decimal(x): v = x * factor
                default: throw fail(i)
                }
                guard Decimal128.fits(v, precision: p) else { throw fail(i) }
                b.append(v)
            }
        case let .timestamp(unit, _):
            let perUnit: Int64 = unit == .microsecond ? 1_000_000 : 1000
            for i in 0 ..< n {
                if c.isNull(i) { b.appendNull(); continue }
                switch (c.type, c.value(at: i)) {
                case let (.date, .date(d)): b.append(Int64(d) * 86_400 * perUnit)
                case let (.timestamp(.millisecond, _), .timestamp(t)) where unit == .microsecond: b.append(t * 1000)
                case let (.timestamp(from, _), .timestamp(t)) where from == unit: b.append(t)
                default: throw fail(i)
                }
            }
        default:
            throw FilesCastError(message: "\(place()): \(c.type.name) cannot become \(target.name)")
        }
        return b.finish()
    }

    private static func decimalShape(_ t: DataType) -> (scale: Int, precision: Int) {
        if case let .decimal(p, s) = t { return (s, p) }
        return (0, integerDigits(t) ?? 19)
    }

    /// The value's text: numbers as written by Swift (shortest round trip), dates `YYYY-MM-DD`,
    /// timestamps ISO 8601 (`Z` when UTC).
    static func text(_ c: Column, _ i: Int) -> String? {
        switch (c.type, c.value(at: i)) {
        case let (_, .boolean(v)): return v ? "true" : "false"
        case let (_, .int(v)): return String(v)
        case let (.float32, .float(v)): return Float(v).description
        case let (_, .float(v)): return v.description
        case let (.decimal(_, s), .decimal(v)): return Decimal128.format(v, scale: s)
        case let (_, .date(d)): return CivilDate(daysSinceEpoch: Int64(d)).description
        case let (.timestamp(unit, utc), .timestamp(t)):
            let perSecond: Int64 = unit == .microsecond ? 1_000_000 : 1000
            let seconds = t >= 0 ? t / perSecond : (t - perSecond + 1) / perSecond
            let fraction = t - seconds * perSecond
            let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
            let inDay = seconds - days * 86_400
            var s = CivilDate(daysSinceEpoch: days).description
                + String(format: "T%02d:%02d:%02d", Int(inDay / 3600), Int(inDay / 60 % 60), Int(inDay % 60))
            if fraction != 0 { s += unit == .microsecond ? String(format: ".%06d", Int(fraction)) : String(format: ".%03d", Int(fraction)) }
            return s + (utc ? "Z" : "")
        case let (.string, .string(v)): return v
        default: return nil
        }
    }
}

/// A value of a typed object that does not fit the dataset's column type exactly.
public struct FilesCastError: Error, CustomStringConvertible {
    let message: String
    public var description: String { message }
}
