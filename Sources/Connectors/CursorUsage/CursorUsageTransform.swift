import Columnar

/// Reshapes a parsed usage export into `CursorUsageExport.schema`: canonical names, a null
/// column for whatever this export lacks, and `cost_usd` derived from the raw `Cost` text.
public struct CursorUsageTransform: BatchTransform {
    public init() {}

    public func outputSchema(_ input: Schema) throws -> Schema {
        _ = try CursorUsageExport.match(header: input.fields.map(\.name))
        return CursorUsageExport.schema
    }

    public func apply(_ batch: RecordBatch) throws -> RecordBatch {
        // Export header name → canonical name; the batch's field names are the export's headers.
        let headerMap = try CursorUsageExport.match(header: batch.schema.fields.map(\.name))
        var byCanonical: [String: Column] = [:]
        for (i, f) in batch.schema.fields.enumerated() {
            if let c = headerMap[f.name] { byCanonical[c] = batch.columns[i] }
        }
        var columns: [Column] = []
        for c in CursorUsageExport.columns {
            if let col = byCanonical[c.name], col.type == c.type {
                columns.append(col)
            } else {
                var b = ColumnBuilder(type: c.type, capacity: batch.rowCount)
                for _ in 0 ..< batch.rowCount { b.appendNull() }
                columns.append(b.finish())
            }
        }
        columns.append(costUSD(byCanonical["cost"], rows: batch.rowCount))
        return try RecordBatch(schema: CursorUsageExport.schema, columns: columns)
    }

    private func costUSD(_ cost: Column?, rows: Int) -> Column {
        var b = ColumnBuilder(type: .float64, capacity: rows)
        guard let cost, case let .bytes(text) = cost.storage else {
            for _ in 0 ..< rows { b.appendNull() }
            return b.finish()
        }
        for i in 0 ..< rows {
            if !cost.isNull(i), let d = CursorUsageExport.dollars(Substring(text.string(at: i))) { b.append(d) } else { b.appendNull() }
        }
        return b.finish()
    }
}
