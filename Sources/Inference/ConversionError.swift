/// A value that breaks its column's type, located so a person can open the file there:
/// `orders.csv:42:3 (amount): '12,3x' is not a float64`.
public struct ConversionError: Error, CustomStringConvertible, Sendable, Hashable {
    public let fileName: String
    /// Physical line of the row.
    public let line: Int
    /// 1-based column index.
    public let column: Int
    public let columnName: String
    public let value: String
    /// Why, e.g. `is not a float64`, `has a UTC offset but the column is a naive timestamp`.
    public let problem: String

    public var description: String {
        "\(fileName):\(line):\(column) (\(columnName)): '\(value)' \(problem)"
    }
}

/// A row the converter left out under `.skip` / `.collect`, with its first bad value.
public struct RejectedRow: Sendable, Hashable {
    public let line: Int
    public let column: String
    public let value: String
    public let reason: String

    public init(line: Int, column: String, value: String, reason: String) {
        self.line = line; self.column = column; self.value = value; self.reason = reason
    }
}
