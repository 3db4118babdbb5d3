import Columnar

/// Whole-column inference fed one value at a time, for sources whose values do not come in
/// CSV chunks (a JSON field's strings or numbers): the same candidates, decisions and reasons
/// as a CSV column's. Mergeable in any order, like `InferenceState`.
public struct ValueInference: Sendable {
    var column: ColumnInference
    public let options: InferenceOptions

    /// Which types the values may take.
    public enum Candidates: Sendable {
        /// Every type text may hold (a CSV column's).
        case any
        /// Numbers only (JSON number tokens: never booleans or dates).
        case numbers
        /// Dates and timestamps only (JSON strings: text that is a number or a boolean stays text).
        case temporal
    }

    public init(options: InferenceOptions, candidates: Candidates = .any) {
        self.options = options
        var initial = Inference.Candidates.all
        if !options.allowCompactDates { initial.remove(.dateCompact) }
        switch candidates {
        case .any: break
        case .numbers: initial = initial.intersection(.numeric)
        case .temporal: initial = initial.intersection(.temporal).subtracting(.dateCompact)
        }
        column = ColumnInference(name: "", declared: nil, initial: initial)
    }

    /// Non-null values observed.
    public var count: Int { column.valueCount }

    /// One value's bytes (not empty); `line` locates it in messages.
    public mutating func observe(_ p: UnsafePointer<UInt8>, _ n: Int, line: Int) {
        column.observe(p, n, line: line)
    }

    public mutating func merge(_ other: ValueInference) { column.merge(other.column) }

    /// The narrowest type every value fits, its parser, and why.
    public func decide() -> ValueDecision {
        let d = ColumnDecision(column, options: options)
        return ValueDecision(type: d.type, parser: ValueParser(d.parser), reason: d.reason, format: d.format,
                             fallback: d.fallback.map { ($0.text, $0.line) }, warning: d.warning)
    }
}

/// What `ValueInference.decide` chose.
public struct ValueDecision: Sendable {
    public let type: DataType
    public let parser: ValueParser
    public let reason: String
    public let format: String?
    /// When the values fell back to string: the earliest value that forced it, and its line.
    public let fallback: (value: String, line: Int)?
    public let warning: String?
}

/// Parses one value's bytes under a decided (or declared) type into a builder, with the rules
/// CSV columns convert by.
public struct ValueParser: Sendable, Equatable {
    let parser: ColumnParser

    init(_ parser: ColumnParser) { self.parser = parser }

    /// The parser for a declared flat type.
    public init(declared type: DataType, order: DateOrder = .mdy) { parser = ColumnParser(declared: type, order: order) }

    /// Appends the value `p[0..<n]` to `b` (whose type is this parser's); false when it does not parse.
    @inline(__always)
    public func append(_ p: UnsafePointer<UInt8>, _ n: Int, to b: inout ColumnBuilder) -> Bool {
        switch parser {
        case .string, .binary:
            b.append(bytes: UnsafeRawBufferPointer(start: p, count: n))
            return true
        case .boolean:
            guard n == 4 || n == 5, ColumnInference.isBoolean(p, n) else { return false }
            b.append(n == 4)
        case .integer(.int8):
            guard let v = NumberParsers.int64(p, n).flatMap({ Int8(exactly: $0) }) else { return false }
            b.append(v)
        case .integer(.int16):
            guard let v = NumberParsers.int64(p, n).flatMap({ Int16(exactly: $0) }) else { return false }
            b.append(v)
        case .integer(.int32):
            guard let v = NumberParsers.int64(p, n).flatMap({ Int32(exactly: $0) }) else { return false }
            b.append(v)
        case .integer:
            guard let v = NumberParsers.int64(p, n) else { return false }
            b.append(v)
        case .float64:
            guard let v = NumberParsers.double(p, n) else { return false }
            b.append(v)
        case .float32:
            guard let v = NumberParsers.float(p, n) else { return false }
            b.append(v)
        case let .decimal(precision, scale):
            guard let v = NumberParsers.decimal(p, n, precision: precision, scale: scale) else { return false }
            b.append(v)
        case let .date(order):
            guard let t = TemporalParts.scan(p, n), !t.hasTime, let d = t.days(order: order), let v = Int32(exactly: d) else { return false }
            b.append(v)
        case let .timestamp(unit, utc, order):
            guard let t = TemporalParts.scan(p, n), !(t.hasOffset && !utc), let v = t.micros(order: order) else { return false }
            if unit == .millisecond {
                guard v % 1000 == 0 else { return false }
                b.append(v / 1000)
            } else {
                b.append(v)
            }
        }
        return true
    }

    /// Whether values go in as their bytes (string or binary).
    public var isText: Bool {
        switch parser {
        case .string, .binary: return true
        default: return false
        }
    }
}
