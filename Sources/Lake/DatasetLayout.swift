import Columnar

/// The on-store layout, a contract with every downstream reader (pyarrow, DuckDB, polars…):
///
///     datasets/{id}/data/part-0000.parquet
///     datasets/{id}/partitions/date=YYYY-MM-DD/part-0000.parquet
///     datasets/{id}/partitions/date=__HIVE_DEFAULT_PARTITION__/part-0000.parquet   (null dates)
///     datasets/{id}/_manifest.json
///
/// Names starting with `_` or `.` are not data (readers skip them).
public enum DatasetLayout {
    public static let nullPartitionValue = "__HIVE_DEFAULT_PARTITION__"
    public static let unpartitionedFolder = "data"
    public static let partitionsFolder = "partitions"

    /// `datasets/{id}/`, with the slash, so `orders` never matches `orders2`.
    public static func prefix(_ id: DatasetID) -> String { "datasets/\(id.rawValue)/" }
    public static func manifestKey(_ id: DatasetID) -> String { prefix(id) + "_manifest.json" }

    /// `date=2024-05-01`, or the Hive null partition.
    public static func partitionName(days: Int64?) -> String {
        "date=" + (days.map { CivilDate(daysSinceEpoch: $0).description } ?? nullPartitionValue)
    }

    /// The folder under `datasets/{id}/` that holds a partition's files (`data` when unpartitioned).
    public static func folder(partition: String?) -> String {
        partition.map { "\(partitionsFolder)/\($0)" } ?? unpartitionedFolder
    }

    /// `part-0000.parquet`; past 9999 the number just grows wider. A `tag` (a Delta table's
    /// run id) makes the name unique: `part-0000-{tag}.parquet`, as Delta's immutable files need.
    public static func fileName(part: Int, fileExtension: String, tag: String? = nil) -> String {
        let digits = String(part)
        return "part-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + (tag.map { "-" + $0 } ?? "") + "." + fileExtension
    }

    /// The part number in `part-0012.parquet`, or nil for other names.
    public static func partNumber(fileName: Substring) -> Int? {
        guard fileName.hasPrefix("part-") else { return nil }
        let digits = fileName.dropFirst(5).prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let next = fileName.dropFirst(5 + digits.count).first, next == "." || next == "-" else { return nil }
        return Int(digits)
    }

    /// Whether a file name carries a tag (`part-0000-{tag}.parquet`): only Delta loads write those.
    public static func isTagged(fileName: String) -> Bool {
        guard partNumber(fileName: Substring(fileName)) != nil else { return false }
        return fileName.dropFirst(5).drop { $0.isASCII && $0.isNumber }.first == "-"
    }

    /// A data file's place: its folder (`data` or `partitions/date=…`) and partition name.
    public struct DataKey: Sendable, Hashable {
        public var folder: String
        public var partition: String?
        public var fileName: String
    }

    /// Parses a key under `datasets/{id}/`; nil for manifests, staging and anything else
    /// that is not a data file of the layout.
    public static func dataKey(_ key: String, in id: DatasetID) -> DataKey? {
        let p = prefix(id)
        guard key.hasPrefix(p) else { return nil }
        let parts = key.dropFirst(p.count).split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.contains(where: { $0.isEmpty || $0.hasPrefix("_") || $0.hasPrefix(".") }) else { return nil }
        if parts.count == 2, parts[0] == unpartitionedFolder {
            return DataKey(folder: unpartitionedFolder, partition: nil, fileName: String(parts[1]))
        }
        if parts.count == 3, parts[0] == partitionsFolder, parts[1].hasPrefix("date=") {
            return DataKey(folder: "\(partitionsFolder)/\(parts[1])", partition: String(parts[1]), fileName: String(parts[2]))
        }
        return nil
    }
}
