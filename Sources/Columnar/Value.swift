/// One boxed value, for tests, previews and error messages. Hot paths use typed buffers.
public enum Value: Sendable, Hashable, CustomStringConvertible {
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
        }
    }
}

extension String {
    init(format2hex b: UInt8) {
        let digits: [Character] = Array("0123456789abcdef")
        self.init([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }
}
