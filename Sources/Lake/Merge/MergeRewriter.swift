import Columnar
import Parquet

/// Rewrites one existing file without the rows whose key comes again. It reads the key
/// columns first: a file that holds none of the keys (its range only overlapped) is left alone.
public struct MergeRewriter: Sendable {
    public let columns: MergeKeyColumns
    public let format: any DatasetFileFormat
    public let schema: Schema

    public init(columns: MergeKeyColumns, format: any DatasetFileFormat, schema: Schema) {
        self.columns = columns; self.format = format; self.schema = schema
    }

    public struct Outcome: Sendable {
        /// nil: the file holds none of the keys and stays as it is.
        public var rewritten: Rewritten?
        /// Column chunks read: the key columns', or every one when rewritten (the footer is the caller's).
        public var bytesRead: Int64
    }

    public struct Rewritten: Sendable {
        /// The new file, nil when no row survived (the old file is removed, not replaced).
        public var path: String?
        public var rowsKept: Int64
        public var rowsRemoved: Int64
        public var digest: (bytes: Int64, hex: String)?
        /// Incoming keys found in this file.
        public var matched: Set<MergeKey>
    }

    /// Reads the file at `path`; when it holds some of `keys`, writes its other rows to the
    /// path `output` gives (asked only if a row survives).
    public func rewrite(path: String, keys: MergeKeyIndex, output: () throws -> String) throws -> Outcome {
        let reader = try ParquetFileReader(path: path)
        let footer = reader.footer
        let keyIndices = try columns.columns.map { c in
            guard let i = reader.schema.index(of: c.name) else {
                throw ParquetError.corrupt("\(path) lacks the primary key column '\(c.name)'")
            }
            return i
        }
        var bytesRead: Int64 = 0
        var drops: [[Int]] = []
        var matched = Set<MergeKey>()
        for g in 0 ..< reader.rowGroupCount {
            let batch = try reader.readRowGroup(g, columns: keyIndices)
            bytesRead += keyIndices.reduce(0) { $0 + (footer.statistics(column: $1)[g]?.bytes ?? 0) }
            let stored = columns.storedKeys(batch.columns, rows: batch.rowCount)
            var drop: [Int] = []
            for (i, k) in stored.enumerated() {
                if let k, keys.members.contains(k) { drop.append(i); matched.insert(k) }
            }
            drops.append(drop)
        }
        let removed = drops.reduce(0) { $0 + $1.count }
        guard removed > 0 else { return Outcome(rewritten: nil, bytesRead: bytesRead) }
        let kept = reader.rowCount - Int64(removed)
        guard kept > 0 else {
            return Outcome(rewritten: Rewritten(path: nil, rowsKept: 0, rowsRemoved: Int64(removed), digest: nil, matched: matched), bytesRead: bytesRead)
        }
        // The other columns are read now (the key columns again: the lake's files are small
        // enough that keeping them is not worth the memory).
        bytesRead += footer.chunkBytes
        let out = try output()
        let writer = try format.makeWriter(path: out, schema: schema)
        do {
            for g in 0 ..< reader.rowGroupCount where drops[g].count < Int(reader.rowGroupRowCount(g)) {
                var batch = try reader.readRowGroup(g)
                if !drops[g].isEmpty {
                    let dropped = Set(drops[g])
                    batch = batch.take((0 ..< batch.rowCount).filter { !dropped.contains($0) })
                }
                try writer.write(batch, rows: 0 ..< batch.rowCount)
            }
            let written = try writer.close()
            guard written == kept else {
                throw ParquetError.invalidState("\(out): \(written) rows written, \(kept) expected")
            }
        } catch {
            _ = try? writer.close()
            throw error
        }
        return Outcome(rewritten: Rewritten(path: out, rowsKept: kept, rowsRemoved: Int64(removed), digest: writer.writtenDigest,
                                            matched: matched), bytesRead: bytesRead)
    }
}
