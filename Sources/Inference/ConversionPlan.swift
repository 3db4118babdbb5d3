import Columnar

/// How pass 2 turns one column's field bytes into typed values.
public enum ColumnParser: Sendable, Hashable {
    case string
    case binary
    case boolean
    /// int8, int16, int32 or int64 (range-checked).
    case integer(DataType)
    case float64
    case float32
    /// Unscaled Int128 at `scale`; more decimals than `scale` must be zeros (never rounds).
    case decimal(precision: Int, scale: Int)
    /// Any recognised date format; slashed dates read in `order`.
    case date(order: DateOrder)
    /// Any recognised timestamp or date (midnight). `utc`: values with an offset are converted
    /// to UTC and values without one are taken as UTC; naive: a value with an offset is an error.
    case timestamp(unit: TimeUnit, utc: Bool, order: DateOrder)

    /// The parser for a declared type (overrides and DOMO schemas).
    public init(declared type: DataType, order: DateOrder) {
        switch type {
        case .boolean: self = .boolean
        case .int8, .int16, .int32, .int64: self = .integer(type)
        case .float32: self = .float32
        case .float64: self = .float64
        case let .decimal(p, s): self = .decimal(precision: p, scale: s)
        case .date: self = .date(order: order)
        case let .timestamp(unit, utc): self = .timestamp(unit: unit, utc: utc, order: order)
        case .string: self = .string
        case .binary: self = .binary
        case .list, .structure, .map: preconditionFailure("text columns are flat: nested overrides are refused before parsing")
        case .time, .uuid, .json: preconditionFailure("only a database catalog declares \(type.name): overrides cannot name it")
        }
    }
}

/// Everything the converter needs, decided once after pass 1.
public struct ConversionPlan: Sendable {
    public let parsers: [ColumnParser]
    /// Tokens that are null in typed columns (kept as text in string columns).
    public let nullValues: [String]
    let nullTokens: NullTokens

    public init(parsers: [ColumnParser], nullValues: [String]) {
        self.parsers = parsers
        self.nullValues = nullValues
        nullTokens = NullTokens(nullValues)
    }
}

/// Per-column facts for `inlet preview` and the run summary.
public struct ColumnReport: Sendable, Codable, Hashable {
    public var name: String
    /// `DataType.name`, e.g. `int64`, `decimal(38,0)`, `timestamp[us, UTC]`.
    public var type: String
    public var nullCount: Int
    /// E.g. `MM/DD/YYYY`, `ISO 8601 with offset`, `thousands separators`.
    public var format: String?
    public var reason: String
    /// When the column fell back to string: the earliest value that forced it, and its line.
    public var fallbackValue: String?
    public var fallbackLine: Int?

    public init(name: String, type: String, nullCount: Int, format: String?, reason: String,
                fallbackValue: String? = nil, fallbackLine: Int? = nil) {
        self.name = name; self.type = type; self.nullCount = nullCount; self.format = format
        self.reason = reason; self.fallbackValue = fallbackValue; self.fallbackLine = fallbackLine
    }
}

public struct InferenceReport: Sendable, Codable, Hashable, CustomStringConvertible {
    public let columns: [ColumnReport]
    /// E.g. an ambiguous date order that followed `dateOrder`, or an override naming no column.
    public let warnings: [String]

    public init(columns: [ColumnReport], warnings: [String]) {
        self.columns = columns
        self.warnings = warnings
    }

    /// One line per column, then the warnings (for logs and `inlet preview`).
    public var description: String {
        var lines = columns.map { c -> String in
            var s = "\(c.name): \(c.type), \(c.nullCount) null"
            if let f = c.format { s += ", \(f)" }
            s += " (\(c.reason))"
            return s
        }
        lines += warnings.map { "warning: \($0)" }
        return lines.joined(separator: "\n")
    }
}

/// The outcome of inference: the schema, how to convert, and why.
public struct InferenceResult: Sendable {
    public let schema: Schema
    public let plan: ConversionPlan
    public let report: InferenceReport

    public init(schema: Schema, plan: ConversionPlan, report: InferenceReport) {
        self.schema = schema
        self.plan = plan
        self.report = report
    }

    /// Declared types only (e.g. DOMO's schema): no inference, the converter checks every value.
    public init(declared fields: [Field], options: InferenceOptions = InferenceOptions()) {
        schema = Schema(fields)
        plan = ConversionPlan(parsers: fields.map { ColumnParser(declared: $0.type, order: options.dateOrder) },
                              nullValues: options.nullValues)
        report = InferenceReport(columns: fields.map {
            ColumnReport(name: $0.name, type: $0.type.name, nullCount: 0, format: nil, reason: "declared type")
        }, warnings: [])
    }

    init(state: InferenceState) {
        var fields: [Field] = []
        var parsers: [ColumnParser] = []
        var reports: [ColumnReport] = []
        var warnings: [String] = []
        for col in state.columns {
            let d = ColumnDecision(col, options: state.options)
            fields.append(Field(col.name, d.type, nullable: true))
            parsers.append(d.parser)
            let nulls = d.type == .string || d.type == .binary
                ? col.emptyCount
                : col.emptyCount + col.quotedEmptyCount + col.nullTokenCount
            reports.append(ColumnReport(name: col.name, type: d.type.name, nullCount: nulls, format: d.format,
                                        reason: d.reason, fallbackValue: d.fallback?.text, fallbackLine: d.fallback?.line))
            if let w = d.warning { warnings.append(w) }
        }
        for name in state.options.schemaOverrides.keys.sorted() where !state.columnNames.contains(name) {
            warnings.append("schema override for '\(name)' names no column (columns: \(state.columnNames.joined(separator: ", ")))")
        }
        schema = Schema(fields)
        plan = ConversionPlan(parsers: parsers, nullValues: state.options.nullValues)
        report = InferenceReport(columns: reports, warnings: warnings)
    }
}
