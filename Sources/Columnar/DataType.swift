/// Resolution of a timestamp's Int64 count since the Unix epoch.
public enum TimeUnit: String, Sendable, Hashable, Codable {
    case millisecond = "ms"
    case microsecond = "us"
}

/// The logical types Inlet moves from sources to Parquet.
///
/// Physical storage per type (see `ColumnValues`):
/// boolean → `.boolean`, int8…int64 → the matching fixed-width array,
/// decimal → `.decimal` (unscaled Int128), date → `.int32` days since 1970-01-01,
/// timestamp → `.int64` in `unit` since the epoch, string/binary → `.bytes`.
public enum DataType: Sendable, Hashable {
    case boolean
    case int8, int16, int32, int64
    case float32, float64
    /// precision 1...38, scale 0...precision.
    case decimal(precision: Int, scale: Int)
    /// Days since 1970-01-01.
    case date
    /// `utc == true`: an instant (UTC-adjusted); `false`: a local, naive wall-clock time.
    case timestamp(unit: TimeUnit, utc: Bool)
    case string
    case binary

    /// The spelling used in `--schema`, manifests and reports, e.g. `decimal(12,2)`, `timestamp[us, UTC]`.
    public var name: String {
        switch self {
        case .boolean: return "boolean"
        case .int8: return "int8"
        case .int16: return "int16"
        case .int32: return "int32"
        case .int64: return "int64"
        case .float32: return "float32"
        case .float64: return "float64"
        case let .decimal(p, s): return "decimal(\(p),\(s))"
        case .date: return "date"
        case let .timestamp(unit, utc): return utc ? "timestamp[\(unit.rawValue), UTC]" : "timestamp[\(unit.rawValue)]"
        case .string: return "string"
        case .binary: return "binary"
        }
    }

    /// Parses the spellings of `name` plus common aliases (`int`, `double`, `bool`, `text`,
    /// `timestamp` = microseconds naive, `timestamptz` = microseconds UTC).
    public init?(parsing text: String) {
        let t = text.lowercased().filter { !$0.isWhitespace }
        switch t {
        case "boolean", "bool": self = .boolean
        case "int8", "tinyint": self = .int8
        case "int16", "smallint": self = .int16
        case "int32", "int", "integer": self = .int32
        case "int64", "bigint", "long": self = .int64
        case "float32", "float", "real": self = .float32
        case "float64", "double": self = .float64
        case "date": self = .date
        case "timestamp", "timestamp[us]", "datetime": self = .timestamp(unit: .microsecond, utc: false)
        case "timestamp[ms]": self = .timestamp(unit: .millisecond, utc: false)
        case "timestamptz", "timestamp[us,utc]": self = .timestamp(unit: .microsecond, utc: true)
        case "timestamp[ms,utc]": self = .timestamp(unit: .millisecond, utc: true)
        case "string", "text", "utf8", "varchar": self = .string
        case "binary", "bytes": self = .binary
        default:
            guard t.hasPrefix("decimal("), t.hasSuffix(")") else { return nil }
            let inner = t.dropFirst("decimal(".count).dropLast()
            let parts = inner.split(separator: ",")
            guard parts.count == 2, let p = Int(parts[0]), let s = Int(parts[1]),
                  (1...38).contains(p), (0...p).contains(s) else { return nil }
            self = .decimal(precision: p, scale: s)
        }
    }
}

/// A named, typed column slot in a schema.
public struct Field: Sendable, Hashable {
    public var name: String
    public var type: DataType
    public var nullable: Bool

    public init(_ name: String, _ type: DataType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

/// An ordered list of fields plus free-form key/value facts (carried into Parquet's
/// key-value metadata, e.g. the original column names and the source).
public struct Schema: Sendable, Hashable {
    public var fields: [Field]
    public var metadata: [String: String]

    public init(_ fields: [Field], metadata: [String: String] = [:]) {
        self.fields = fields
        self.metadata = metadata
    }

    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }
}
