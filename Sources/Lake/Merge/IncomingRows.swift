import Columnar
import Foundation
import Parquet

/// The rows a merge brings, spooled in arrival order to files of their own while their keys are
/// collected (key → ordinal of its last row), so that a key given twice keeps only its last row:
/// which row is last is known only at the end, and the writers partition rows out of order.
/// Memory: the keys, and one open spool writer.
public final class IncomingRows {
    public let columns: MergeKeyColumns
    /// The spool is Parquet whatever the lake writes: it is read back a row group at a time.
    private let format = ParquetDatasetFormat()
    private let schema: Schema
    private let folder: String
    private let dataset: String
    private var last: [MergeKey: Int64] = [:]
    private var files: [String] = []
    private var writer: (any DatasetFileWriter)?
    private let rollBytes: Int64
    /// Rows received so far.
    public private(set) var rows: Int64 = 0

    /// Spools into `folder` (created; the caller removes it with its staging).
    public init(columns: MergeKeyColumns, schema: Schema, folder: String, dataset: String, rollBytes: Int64 = 256 << 20) throws {
        self.columns = columns; self.schema = schema; self.folder = folder
        self.dataset = dataset; self.rollBytes = rollBytes
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Takes a batch: a null key throws naming its row, before anything is published.
    public func add(_ batch: RecordBatch) throws {
        guard batch.rowCount > 0 else { return }
        let keys = try columns.keys(of: batch, firstRow: rows, dataset: dataset)
        for (i, k) in keys.enumerated() { last[k] = rows + Int64(i) }
        if writer == nil {
            let path = folder + "/incoming-\(files.count).spool"
            writer = try format.makeWriter(path: path, schema: schema)
            files.append(path)
        }
        try writer!.write(batch, rows: 0 ..< batch.rowCount)
        rows += Int64(batch.rowCount)
        if writer!.estimatedFileBytes >= rollBytes { _ = try writer!.close(); writer = nil }
    }

    /// Ends the input: the distinct keys, searchable.
    public func finish() throws -> MergeKeyIndex {
        if let w = writer { _ = try w.close(); writer = nil }
        return MergeKeyIndex(Set(last.keys))
    }

    /// Rows dropped because a later row had the same key.
    public var duplicates: Int64 { rows - Int64(last.count) }

    /// Hands the spooled rows back in order, each key's last row only.
    public func replay(_ body: (RecordBatch) throws -> Void) throws {
        var ordinal: Int64 = 0
        for path in files {
            let reader = try ParquetFileReader(path: path)
            for g in 0 ..< reader.rowGroupCount {
                let batch = try reader.readRowGroup(g)
                guard batch.rowCount > 0 else { continue }
                defer { ordinal += Int64(batch.rowCount) }
                guard duplicates > 0 else { try body(batch); continue }
                let keys = try columns.keys(of: batch, firstRow: ordinal, dataset: dataset)
                let keep = keys.indices.filter { last[keys[$0]] == ordinal + Int64($0) }
                if keep.count == batch.rowCount { try body(batch) } else if !keep.isEmpty { try body(batch.take(keep)) }
            }
        }
    }
}

/// The distinct incoming keys: membership for rewriting, sorted for pruning by min/max.
public struct MergeKeyIndex: Sendable {
    public let members: Set<MergeKey>
    let sorted: [MergeKey]

    public init(_ members: Set<MergeKey>) { self.members = members; sorted = members.sorted() }

    public var count: Int { members.count }

    /// Whether some key has every column's part within `ranges` (encoded bounds, inclusive).
    func anyKey(within ranges: [(min: [UInt8], max: [UInt8])], columns: MergeKeyColumns) -> Bool {
        guard let first = ranges.first else { return !sorted.isEmpty }
        // Keys sort by their first column: those with it in range are one run of `sorted`.
        let lo = partition { !$0.bytes.lexicographicallyPrecedes(first.min) }
        let hi = partition { first.max.lexicographicallyPrecedes($0.bytes.prefix(first.max.count)) }
        guard lo < hi else { return false }
        if ranges.count == 1 { return true }
        for k in sorted[lo ..< hi] {
            let inside = (1 ..< ranges.count).allSatisfy { c in
                let p = columns.part(c, of: k)
                return !p.lexicographicallyPrecedes(ranges[c].min) && !ranges[c].max.lexicographicallyPrecedes(p)
            }
            if inside { return true }
        }
        return false
    }

    /// The first index of `sorted` where `isAtOrPast` holds (it must be monotonic).
    private func partition(_ isAtOrPast: (MergeKey) -> Bool) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if isAtOrPast(sorted[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
