import Columnar
import Delimited

/// Pass 1: observes chunks (on any core, in any order) and merges into one state.
///
/// Each `observe` builds a fresh per-chunk state and merges it, so a state that sees chunks
/// out of file order still reports the earliest line as the first value that forced a type.
public struct InferenceState: Sendable {
    public let columnNames: [String]
    public let options: InferenceOptions
    public internal(set) var columns: [ColumnInference]
    let nullTokens: NullTokens
    public internal(set) var rowCount = 0

    public init(columnNames: [String], options: InferenceOptions) {
        self.columnNames = columnNames
        self.options = options
        nullTokens = NullTokens(options.nullValues)
        var initial = Candidates.all
        if !options.allowCompactDates { initial.remove(.dateCompact) }
        columns = columnNames.map { ColumnInference(name: $0, declared: options.schemaOverrides[$0], initial: initial) }
    }

    public mutating func observe(_ chunk: FieldChunk) {
        precondition(chunk.columnCount == columns.count, "InferenceState: chunk has \(chunk.columnCount) columns, expected \(columns.count)")
        let rows = chunk.rowCount
        guard rows > 0 else { return }
        chunk.bytes.withUnsafeBufferPointer { bytesBuf in
            chunk.bounds.withUnsafeBufferPointer { bounds in
                chunk.flags.withUnsafeBufferPointer { flags in
                    chunk.lines.withUnsafeBufferPointer { lines in
                        // A 1-byte dummy keeps the pointer valid for chunks with no bytes at all.
                        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { dummy in
                            let base = bytesBuf.baseAddress ?? UnsafePointer(dummy.baseAddress!)
                            var fresh = columns.map {
                                ColumnInference(name: $0.name, declared: $0.declared, initial: $0.declared == nil ? initialCandidates : [])
                            }
                            fresh.withUnsafeMutableBufferPointer { cols in
                                forEachRowTile(rows: rows, width: chunk.columnCount, base: base, bounds: bounds) { tile in
                                    for c in 0 ..< cols.count {
                                        Self.observeColumn(&cols[c], column: c, width: chunk.columnCount, rows: tile,
                                                           base: base, bounds: bounds, flags: flags, lines: lines, tokens: nullTokens)
                                    }
                                }
                            }
                            for c in columns.indices { columns[c].merge(fresh[c]) }
                        }
                    }
                }
            }
        }
        rowCount += rows
    }

    private var initialCandidates: Candidates {
        options.allowCompactDates ? .all : Candidates.all.subtracting(.dateCompact)
    }

    private static func observeColumn(_ col: inout ColumnInference, column c: Int, width: Int, rows: Range<Int>,
                                      base: UnsafePointer<UInt8>, bounds: UnsafeBufferPointer<Int32>,
                                      flags: UnsafeBufferPointer<UInt8>, lines: UnsafeBufferPointer<Int>,
                                      tokens: NullTokens) {
        var k = rows.lowerBound * width + c
        for r in rows {
            let start = Int(bounds[k]), n = Int(bounds[k + 1]) - start
            if n == 0 {
                if flags[k] & FieldChunk.quotedFlag != 0 { col.quotedEmptyCount += 1 } else { col.emptyCount += 1 }
            } else if !tokens.isEmpty, tokens.matches(base + start, n) {
                col.nullTokenCount += 1
            } else if col.alive.isEmpty {
                col.valueCount += 1   // already a string column: only counts matter
            } else {
                col.observe(base + start, n, line: lines[r])
            }
            k += width
        }
    }

    /// Adds another state's observations (same columns and options); order does not matter.
    public mutating func merge(_ other: InferenceState) {
        precondition(other.columns.count == columns.count, "InferenceState.merge: column counts differ")
        for c in columns.indices { columns[c].merge(other.columns[c]) }
        rowCount += other.rowCount
    }

    public func finish() -> InferenceResult {
        InferenceResult(state: self)
    }
}
