import Columnar
import Delimited

/// The typed rows of one chunk, and the rows left out under `.skip` / `.collect`.
public struct ConvertedChunk: Sendable {
    public let batch: RecordBatch
    public let rejected: [RejectedRow]
}

/// Pass 2: field bytes → typed columns under an `InferenceResult`. Stateless, so chunks
/// convert on any core in any order.
///
/// Nulls: an empty unquoted field is null everywhere. In a string/binary column `""` is an
/// empty string and `nullValues` tokens are text; in a typed column both are null.
public struct BatchConverter: Sendable {
    public let result: InferenceResult
    public let fileName: String
    public let rowErrors: RowErrorPolicy

    public init(result: InferenceResult, fileName: String, rowErrors: RowErrorPolicy = .fail) {
        self.result = result
        self.fileName = fileName
        self.rowErrors = rowErrors
    }

    public func convert(_ chunk: FieldChunk) throws -> ConvertedChunk {
        let fields = result.schema.fields
        precondition(chunk.columnCount == fields.count, "BatchConverter: chunk has \(chunk.columnCount) columns, schema \(fields.count)")
        let rows = chunk.rowCount
        var columns: [Column] = []
        columns.reserveCapacity(fields.count)
        // Per bad row, its first bad column and why.
        var bad: [Int: (column: Int, problem: String)] = [:]
        chunk.bytes.withUnsafeBufferPointer { bytesBuf in
            chunk.bounds.withUnsafeBufferPointer { bounds in
                chunk.flags.withUnsafeBufferPointer { flags in
                    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { dummy in
                        let base = bytesBuf.baseAddress ?? UnsafePointer(dummy.baseAddress!)
                        let cursors = (0 ..< fields.count).map {
                            FieldCursor(base: base, bounds: bounds, flags: flags, column: $0, width: chunk.columnCount)
                        }
                        var sinks = (0 ..< fields.count).map {
                            ColumnSink(type: fields[$0].type, parser: result.plan.parsers[$0], cursor: cursors[$0], rows: rows)
                        }
                        forEachRowTile(rows: rows, width: fields.count, base: base, bounds: bounds) { tile in
                            for c in sinks.indices {
                                sinks[c].fill(cursors[c], tile, tokens: result.plan.nullTokens, stop: rowErrors == .fail)
                            }
                        }
                        for c in sinks.indices {
                            columns.append(sinks[c].finish())
                            for r in sinks[c].bad where bad[r] == nil {
                                let (p, n, _) = cursors[c].field(r)
                                bad[r] = (c, ValueProblem.describe(p, n, type: fields[c].type, parser: result.plan.parsers[c]))
                            }
                        }
                    }
                }
            }
        }
        if bad.isEmpty {
            return ConvertedChunk(batch: try RecordBatch(schema: result.schema, columns: columns), rejected: [])
        }
        let badRows = bad.keys.sorted()
        func describe(_ row: Int) -> (ConversionError) {
            let (c, problem) = bad[row]!
            var value = chunk.string(row: row, column: c)
            if value.utf8.count > 200 { value = String(value.prefix(200)) + "…" }
            return ConversionError(fileName: fileName, line: chunk.lines[row], column: c + 1,
                                   columnName: fields[c].name, value: value, problem: problem)
        }
        if rowErrors == .fail { throw describe(badRows[0]) }
        let rejected = badRows.map { r -> RejectedRow in
            let e = describe(r)
            return RejectedRow(line: e.line, column: e.columnName, value: e.value, reason: e.description)
        }
        var keep: [Int] = []
        keep.reserveCapacity(rows - badRows.count)
        var next = 0
        for r in 0 ..< rows {
            if next < badRows.count, badRows[next] == r { next += 1; continue }
            keep.append(r)
        }
        let batch = try RecordBatch(schema: result.schema, columns: columns).take(keep)
        return ConvertedChunk(batch: batch, rejected: rejected)
    }
}

/// Walks one column's fields in a chunk.
struct FieldCursor {
    let base: UnsafePointer<UInt8>
    let bounds: UnsafeBufferPointer<Int32>
    let flags: UnsafeBufferPointer<UInt8>
    let column: Int
    let width: Int

    @inline(__always)
    func field(_ row: Int) -> (p: UnsafePointer<UInt8>, n: Int, quoted: Bool) {
        let k = row * width + column
        let s = Int(bounds[k])
        return (base + s, Int(bounds[k + 1]) - s, flags[k] & FieldChunk.quotedFlag != 0)
    }
}
