/// Resolution of a timestamp's Int64 count since the Unix epoch.
public enum TimeUnit: String, Sendable, Hashable, Codable {
    case millisecond = "ms"
    case microsecond = "us"
}

/// The logical types Inlet moves from sources to Parquet.
///
/// Physical storage per type (see `ColumnStorage`):
/// boolean → `.boolean`, int8…int64 → the matching fixed-width array,
/// decimal → `.decimal` (unscaled Int128), date → `.int32` days since 1970-01-01,
/// timestamp → `.int64` in `unit` since the epoch, time → `.int64` microseconds since midnight,
/// string/binary/json → `.bytes`, uuid → `.bytes` of 16 bytes each;
/// list → `.list` (offsets into one child column), struct → `.structure` (a child column per
/// field), map → `.map` (offsets into a key and a value column).
public indirect enum DataType: Sendable, Hashable {
    case boolean
    case int8, int16, int32, int64
    case float32, float64
    /// precision 1...38, scale 0...precision.
    case decimal(precision: Int, scale: Int)
    /// Days since 1970-01-01.
    case date
    /// `utc == true`: an instant (UTC-adjusted); `false`: a local, naive wall-clock time.
    case timestamp(unit: TimeUnit, utc: Bool)
    /// A time of day with no zone, in microseconds since midnight (Parquet TIME(MICROS), not UTC-adjusted).
    case time
    case string
    case binary
    /// 16 bytes in RFC 4122 order (Parquet FIXED_LEN_BYTE_ARRAY(16) with the UUID logical type).
    case uuid
    /// UTF-8 JSON text (Parquet BYTE_ARRAY with the JSON logical type).
    case json
    /// Values of one type (Parquet LIST); the field names the element (`element`) and whether it may be null.
    case list(Field)
    /// Named fields (a Parquet group), nested to any depth.
    case structure([Field])
    /// Keys (never null) to values (Parquet MAP).
    case map(key: DataType, value: Field)

    /// A list of `type`, its elements nullable.
    public static func list(of type: DataType) -> DataType { .list(Field("element", type)) }

    /// A map of `key` to nullable `value`s.
    public static func map(_ key: DataType, _ value: DataType) -> DataType { .map(key: key, value: Field("value", value)) }

    /// List, struct or map.
    public var isNested: Bool {
        switch self {
        case .list, .structure, .map: return true
        default: return false
        }
    }

    /// The spelling used in `--schema`, manifests and reports, e.g. `decimal(12,2)`, `timestamp[us, UTC]`,
    /// `list<string>`, `map<string,int64>`, `struct<city:string,zip:string>`.
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
        case .time: return "time"
        case .string: return "string"
        case .binary: return "binary"
        case .uuid: return "uuid"
        case .json: return "json"
        case let .list(e): return "list<\(e.type.name)>"
        case let .structure(fields): return "struct<" + fields.map { "\($0.name):\($0.type.name)" }.joined(separator: ",") + ">"
        case let .map(k, v): return "map<\(k.name),\(v.type.name)>"
        }
    }

    /// Parses the spellings of `name` (but `time`, `uuid` and `json`, which only a database's
    /// catalog declares: text inputs cannot override to them) plus common aliases (`int`, `double`, `bool`, `text`,
    /// `timestamp` = microseconds naive, `timestamptz` = microseconds UTC), nested ones too:
    /// `list<string>`, `map<string,int64>`, `struct<city:string,zip:string>`. Field names in a
    /// struct keep their case; type names do not matter.
    public init?(parsing text: String) {
        var parser = NestedTypeParser(text)
        guard let t = parser.type(), parser.atEnd else { return nil }
        self = t
    }

    /// A type with no nesting, by name (the spellings of `name` and the aliases).
    init?(scalar text: String) {
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

/// Recursive descent over a type's spelling: `list<T>`, `map<K,V>`, `struct<name:T,…>`, else a
/// scalar name (which may hold commas and brackets: `decimal(12,2)`, `timestamp[us, UTC]`).
struct NestedTypeParser {
    private let chars: [Character]
    private var i = 0

    init(_ text: String) { chars = Array(text) }

    var atEnd: Bool {
        var j = i
        while j < chars.count, chars[j].isWhitespace { j += 1 }
        return j == chars.count
    }

    mutating func type() -> DataType? {
        skipSpaces()
        for (keyword, make) in [("list<", Kind.list), ("map<", .map), ("struct<", .structure)] where lookingAt(keyword) {
            i += keyword.count
            switch make {
            case .list:
                guard let e = type(), consume(">") else { return nil }
                return .list(of: e)
            case .map:
                guard let k = type(), consume(","), let v = type(), consume(">") else { return nil }
                return .map(k, v)
            case .structure:
                var fields: [Field] = []
                repeat {
                    skipSpaces()
                    let start = i
                    while i < chars.count, chars[i] != ":" { i += 1 }
                    let name = String(String(chars[start ..< i]).drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
                    guard !name.isEmpty, consume(":"), let t = type() else { return nil }
                    fields.append(Field(name, t))
                } while consume(",")
                guard consume(">") else { return nil }
                return .structure(fields)
            }
        }
        // A scalar runs to the next ',' or '>' outside brackets.
        let start = i
        var depth = 0
        while i < chars.count {
            let c = chars[i]
            if c == "(" || c == "[" { depth += 1 } else if c == ")" || c == "]" { depth -= 1 }
            else if depth == 0, c == "," || c == ">" { break }
            i += 1
        }
        return DataType(scalar: String(chars[start ..< i]))
    }

    private enum Kind { case list, map, structure }

    private func lookingAt(_ s: String) -> Bool {
        let w = Array(s)
        guard i + w.count <= chars.count else { return false }
        return zip(chars[i ..< i + w.count], w).allSatisfy { $0.lowercased() == String($1) }
    }

    private mutating func consume(_ c: Character) -> Bool {
        skipSpaces()
        guard i < chars.count, chars[i] == c else { return false }
        i += 1
        return true
    }

    private mutating func skipSpaces() { while i < chars.count, chars[i].isWhitespace { i += 1 } }
}
