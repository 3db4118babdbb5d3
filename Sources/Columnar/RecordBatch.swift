/// Equal-length columns under one schema: the unit that flows from sources to the lake.
public struct RecordBatch: Sendable, Hashable {
    public let schema: Schema
    public let columns: [Column]
    public let rowCount: Int

    public init(schema: Schema, columns: [Column]) throws {
        precondition(schema.fields.count == columns.count, "RecordBatch: \(schema.fields.count) fields, \(columns.count) columns")
        let n = columns.first?.count ?? 0
        for (f, c) in zip(schema.fields, columns) {
            guard c.type == f.type else { throw ColumnarError.storageMismatch(f.type, c.type.name) }
            guard c.count == n else { throw ColumnarError.lengthMismatch(expected: n, found: c.count, column: f.name) }
        }
        self.schema = schema
        self.columns = columns
        rowCount = n
    }

    /// A batch with no columns but `rowCount` rows is not representable; zero columns means zero rows.
    public static func empty(_ schema: Schema) -> RecordBatch {
        let cols = schema.fields.map { ColumnBuilder(type: $0.type) }.map { b -> Column in var b = b; return b.finish() }
        // swiftlint:disable:next force_try
        return try! RecordBatch(schema: schema, columns: cols)
    }

    public func column(named name: String) -> Column? { schema.index(of: name).map { columns[$0] } }

    /// The rows at `indices`, in that order.
    public func take(_ indices: [Int]) -> RecordBatch {
        // swiftlint:disable:next force_try
        try! RecordBatch(schema: schema, columns: columns.map { $0.take(indices) })
    }

    /// Row `i` as boxed values (tests and previews).
    public func row(_ i: Int) -> [Value] { columns.map { $0.value(at: i) } }
}
