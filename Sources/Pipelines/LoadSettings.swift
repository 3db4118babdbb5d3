import Connectors
import Foundation
import Lake
import Parquet

/// How a dataset is written, as a person writes it, the same on the command line
/// (`--partition-col`, `--mode`) and in a pipeline config (`partition_column:`, `mode:`), with
/// one set of checks.
public struct LoadSettings: Sendable, Equatable {
    public var partitionColumn: String?
    /// IANA zone in which UTC timestamps become partition dates.
    public var partitionTimezone = "UTC"
    /// `replace-partitions`, `replace`, `append` or `merge`; nil: merge with a primary key,
    /// else by partitioning.
    public var mode: String?
    /// Key columns of mode merge (`--primary-key id,region`, `primary_key:`).
    public var primaryKey: [String] = []
    /// `512MiB`, `64MB`, …
    public var maxFileSize = "512MiB"
    /// `snappy`, `zstd`, `gzip` or `none`.
    public var compression = "snappy"
    public var dryRun = false
    /// `parquet` or `delta`; nil: what the dataset already is (plain Parquet when new).
    public var tableFormat: String?

    public init() {}

    public func validate() throws {
        _ = try loadOptions()
        _ = try parquetOptions()
    }

    public func loadOptions() throws -> LoadOptions {
        var o = LoadOptions()
        o.partitionColumn = partitionColumn
        guard let tz = TimeZone(identifier: partitionTimezone) else {
            throw InvalidSetting(setting: "partition_timezone", message: "'\(partitionTimezone)' is unknown (use an IANA name such as UTC or Asia/Tokyo)")
        }
        o.partitionTimeZone = tz
        if let mode {
            guard let m = WriteMode(rawValue: mode) else {
                throw InvalidSetting(setting: "mode", message: "must be one of \(WriteMode.allCases.map(\.rawValue).joined(separator: ", ")), not '\(mode)'")
            }
            o.mode = m
        } else if !primaryKey.isEmpty {
            o.mode = .merge
        }
        if o.mode == .merge, primaryKey.isEmpty {
            throw InvalidSetting(setting: "primary_key", message: "is needed by mode merge: the column(s) whose value identifies a row")
        }
        if o.mode != .merge, !primaryKey.isEmpty {
            throw InvalidSetting(setting: "primary_key", message: "is for mode merge, not \(o.effectiveMode.rawValue)")
        }
        if let empty = primaryKey.first(where: { $0.isEmpty }) {
            throw InvalidSetting(setting: "primary_key", message: "has an empty column name '\(empty)'")
        }
        o.primaryKey = primaryKey
        guard let size = ByteSize.parse(maxFileSize), size >= 1 << 20 else {
            throw InvalidSetting(setting: "max_file_size", message: "must be a size of at least 1MiB like 512MiB or 64MB, not '\(maxFileSize)'")
        }
        o.maxFileBytes = size
        o.dryRun = dryRun
        if let tableFormat {
            guard let f = TableFormat(rawValue: tableFormat) else {
                throw InvalidSetting(setting: "table_format", message: "must be parquet or delta, not '\(tableFormat)'")
            }
            o.tableFormat = f
        }
        return o
    }

    /// The lake's Parquet options with this compression; `createdBy` names the writer.
    public func parquetOptions(createdBy: String? = nil) throws -> ParquetWriteOptions {
        guard let codec = ParquetCompression(rawValue: compression) else {
            throw InvalidSetting(setting: "compression", message: "must be snappy, zstd, gzip or none, not '\(compression)'")
        }
        var o = ParquetDatasetFormat.lakeOptions
        o.compression = codec
        if let createdBy { o.createdBy = createdBy }
        return o
    }
}

public enum ByteSize {
    /// `512MiB`, `64MB`, `1GiB`, `1048576`.
    public static func parse(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Int64)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1)]
        for (suffix, mult) in units where t.hasSuffix(suffix) {
            guard let n = Int64(t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)) else { return nil }
            return n.multipliedReportingOverflow(by: mult).overflow ? nil : n * mult
        }
        return Int64(t)
    }
}
