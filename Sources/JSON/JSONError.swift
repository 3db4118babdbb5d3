/// Input that is not the JSON a load expects: invalid syntax (what was expected, and where),
/// a duplicate key, a record that is not an object, nesting too deep, a value that breaks a
/// declared type. Names FILE:LINE:COLUMN and the record's number.
public struct JSONError: Error, CustomStringConvertible, Equatable {
    public let file: String
    /// 1-based; 0 when not known.
    public let line: Int
    public let column: Int
    /// 1-based number of the record in the input; 0 when the error is outside any record.
    public let record: Int
    public let message: String

    public init(file: String, line: Int, column: Int, record: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.record = record
        self.message = message
    }

    public var description: String {
        let place = line > 0 ? "\(file):\(line):\(column)" : file
        return place + (record > 0 ? ": record \(record)" : "") + ": " + message
    }
}

/// A problem found inside one record, at a byte offset of the record's text; located in the
/// file by whoever knows where the record starts.
struct RecordProblem: Error {
    let offset: Int
    let message: String
}
