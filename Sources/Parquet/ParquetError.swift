/// Everything that can go wrong reading or writing Parquet, worded so a person can act on it.
public enum ParquetError: Error, CustomStringConvertible, Equatable {
    /// A valid Parquet feature this library does not implement, e.g. encryption or the LZ4 codec.
    case unsupported(feature: String, column: String?)
    /// Bytes that do not follow the format (bad magic, truncated footer, impossible sizes...).
    case corrupt(String)
    /// The operating system refused a read or write.
    case io(path: String, message: String)
    /// A batch whose schema does not match the writer's.
    case schemaMismatch(String)
    /// The caller used the API out of order (e.g. writing after close).
    case invalidState(String)
    /// A value this library cannot represent exactly in Columnar (e.g. a nanosecond that is not a whole microsecond).
    case valueOutOfRange(column: String, detail: String)

    public var description: String {
        switch self {
        case let .unsupported(feature, column):
            return column.map { "unsupported Parquet feature '\(feature)' in column '\($0)'" } ?? "unsupported Parquet feature '\(feature)'"
        case let .corrupt(m): return "corrupt Parquet data: \(m)"
        case let .io(path, m): return "I/O error on \(path): \(m)"
        case let .schemaMismatch(m): return "schema mismatch: \(m)"
        case let .invalidState(m): return "invalid use of Parquet writer/reader: \(m)"
        case let .valueOutOfRange(c, d): return "value in column '\(c)' cannot be represented: \(d)"
        }
    }
}
