/// A block of parsed CSV rows: the hand-off from `Delimited` (bytes → fields) to
/// `Inference` (fields → typed batches).
///
/// Field contents are unescaped UTF-8 (quotes removed, doubled quotes collapsed,
/// already transcoded from the source encoding), concatenated in `bytes`. Every row has
/// exactly `columnCount` fields: rows with another count never reach a chunk (the reader
/// applies the bad-rows policy first). Chunks are independent values, so pass 1
/// (inference) and pass 2 (conversion) can process several on different cores.
public struct FieldChunk: Sendable {
    public let columnCount: Int
    /// Unescaped field bytes, row-major.
    public var bytes: [UInt8]
    /// `rowCount * columnCount + 1` offsets into `bytes`; field k is `ends[k] ..< ends[k+1]`.
    public var bounds: [Int32]
    /// One per field: `FieldChunk.quotedFlag` set when the field was quoted in the source
    /// (so `""` is an empty string while an empty unquoted field is null).
    public var flags: [UInt8]
    /// Physical (1-based) line number of each row's first byte in the source file.
    public var lines: [Int]

    public static let quotedFlag: UInt8 = 1

    public init(columnCount: Int) {
        self.columnCount = columnCount
        bytes = []
        bounds = [0]
        flags = []
        lines = []
    }

    public var rowCount: Int { lines.count }

    /// Byte range of field (row, col) in `bytes`.
    @inline(__always)
    public func range(row: Int, column: Int) -> Range<Int> {
        let k = row * columnCount + column
        return Int(bounds[k]) ..< Int(bounds[k + 1])
    }

    @inline(__always)
    public func isQuoted(row: Int, column: Int) -> Bool {
        flags[row * columnCount + column] & FieldChunk.quotedFlag != 0
    }

    public func string(row: Int, column: Int) -> String {
        String(decoding: bytes[range(row: row, column: column)], as: UTF8.self)
    }

    /// Appends one row; `fields` must have `columnCount` entries (tests and small sources).
    public mutating func appendRow(_ fields: [(bytes: [UInt8], quoted: Bool)], line: Int) {
        precondition(fields.count == columnCount, "FieldChunk: row has \(fields.count) fields, expected \(columnCount)")
        for f in fields {
            bytes.append(contentsOf: f.bytes)
            bounds.append(Int32(bytes.count))
            flags.append(f.quoted ? FieldChunk.quotedFlag : 0)
        }
        lines.append(line)
    }

    /// Convenience for tests: `nil` is an empty unquoted field (null); strings are quoted
    /// when `quoted` is true.
    public mutating func appendRow(_ fields: [String?], line: Int, quoted: Bool = false) {
        appendRow(fields.map { f in (Array((f ?? "").utf8), f != nil && quoted) }, line: line)
    }
}
