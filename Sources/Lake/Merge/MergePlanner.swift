import Columnar
import Parquet

/// One data file of the dataset a merge goes into, as a plain value: the plain layout lists
/// them from the store, a Delta table from its snapshot.
public struct ExistingDataFile: Sendable, Hashable {
    /// The store key (or table path) that names the file.
    public var key: String
    /// `date=…` when partitioned.
    public var partition: String?
    public var rows: Int64
    public var bytes: Int64
    /// Inclusive min/max per key column, in the key's order, when the caller already knows
    /// them (a Delta log's stats); nil: read from the file's footer. A bound must really
    /// bound the column: a truncated string max is not one.
    public var keyRanges: [KeyRange]?

    public init(key: String, partition: String?, rows: Int64, bytes: Int64, keyRanges: [KeyRange]? = nil) {
        self.key = key; self.partition = partition; self.rows = rows; self.bytes = bytes; self.keyRanges = keyRanges
    }
}

/// The smallest and largest value of one key column in a file.
public struct KeyRange: Sendable, Hashable {
    public var min: Value
    public var max: Value
    public init(min: Value, max: Value) { self.min = min; self.max = max }
}

/// Which existing files may hold incoming keys, judged by min/max per key column. Over all
/// files, not only the incoming rows' partitions: a row's key may have moved partition.
public struct MergePlanner: Sendable {
    public let columns: MergeKeyColumns
    public init(columns: MergeKeyColumns) { self.columns = columns }

    /// Whether a file with these key column ranges may hold one of `keys` (nil: unknown, so yes).
    func mayHold(_ ranges: [(min: [UInt8], max: [UInt8])]?, keys: MergeKeyIndex) -> Bool {
        guard let ranges else { return true }
        if ranges.isEmpty { return false } // a file without a non-null key
        return keys.anyKey(within: ranges, columns: columns)
    }

    /// Encoded ranges from a caller's values; nil when one cannot be encoded.
    func encoded(_ ranges: [KeyRange]) -> [(min: [UInt8], max: [UInt8])]? {
        guard ranges.count == columns.columns.count else { return nil }
        var out: [(min: [UInt8], max: [UInt8])] = []
        for (c, r) in ranges.enumerated() {
            guard let lo = columns.encodeValue(r.min, column: c), let hi = columns.encodeValue(r.max, column: c) else { return nil }
            out.append((lo, hi))
        }
        return out
    }

    /// Encoded ranges over all row groups of a footer; nil when a row group lacks statistics
    /// for a key column (the file must then be read to know).
    func encoded(_ footer: ParquetFooter) -> [(min: [UInt8], max: [UInt8])]? {
        var out: [(min: [UInt8], max: [UInt8])] = []
        for (c, column) in columns.columns.enumerated() {
            guard let i = footer.schema.index(of: column.name) else { return nil }
            var lo: [UInt8]?, hi: [UInt8]?
            for s in footer.statistics(column: i) {
                guard let s else { return nil }
                // A row group of nulls only holds no key; its statistics may have no bounds.
                if let n = s.nullCount, n == s.rows { continue }
                guard let rawMin = s.min, let rawMax = s.max,
                      let a = columns.encodeStatistic(rawMin, column: c), let b = columns.encodeStatistic(rawMax, column: c) else { return nil }
                if lo == nil || a.lexicographicallyPrecedes(lo!) { lo = a }
                if hi == nil || hi!.lexicographicallyPrecedes(b) { hi = b }
            }
            // No bounds at all: the file has no non-null key, so no range can match.
            guard let lo, let hi else { return [] }
            out.append((lo, hi))
        }
        return out
    }
}
