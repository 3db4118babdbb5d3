/// One boxed value, for tests, previews and error messages. Hot paths use typed buffers.
public indirect enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case boolean(Bool)
    case int(Int64)
    case float(Double)
    /// Unscaled; the column's type gives the scale.
    case decimal(Int128)
    /// Days since 1970-01-01.
    case date(Int32)
    /// In the column's unit since the epoch.
    case timestamp(Int64)
    case string(String)
    case binary([UInt8])
    case list([Value])
    /// A struct's field values, in the order of its type's fields.
    case structure([Value])
    case map([MapEntry])

    public var description: String {
        switch self {
        case .null: return "null"
        case let .boolean(b): return String(b)
        case let .int(i): return String(i)
        case let .float(d): return String(d)
        case let .decimal(d): return String(d)
        case let .date(d): return CivilDate(daysSinceEpoch: Int64(d)).description
        case let .timestamp(t): return String(t)
        case let .string(s): return s
        case let .binary(b): return b.map { String(format2hex: $0) }.joined()
        case let .list(items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case let .structure(fields): return "{" + fields.map(\.description).joined(separator: ", ") + "}"
        case let .map(entries): return "{" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

/// One key and value of a map.
public struct MapEntry: Sendable, Hashable {
    public var key: Value
    public var value: Value

    public init(_ key: Value, _ value: Value) {
        self.key = key
        self.value = value
    }
}

extension String {
    init(format2hex b: UInt8) {
        let digits: [Character] = Array("0123456789abcdef")
        self.init([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }
}
