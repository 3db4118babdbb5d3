import Columnar
import Foundation

/// `--mode`.
public enum WriteMode: String, Sendable, CaseIterable, Codable {
    /// Replace only the partitions present in the new data (default when partitioned).
    case replacePartitions = "replace-partitions"
    /// Replace the whole dataset (default when not partitioned).
    case replace
    /// Add files with new part numbers after the existing ones.
    case append
    /// Upsert by `LoadOptions.primaryKey`: incoming rows replace stored rows with the same key,
    /// the rest are added; only the files that held those keys are rewritten.
    case merge
}

/// `--table-format`: how a dataset's files are tied together. Fixed at a dataset's first load.
public enum TableFormat: String, Sendable, CaseIterable, Codable {
    /// The plain layout and `_manifest.json` (the default).
    case parquet
    /// A Delta Lake table: the same folders, unique file names, and `_delta_log/` commits.
    case delta
}

public struct LoadOptions: Sendable {
    /// Partition by this DATE or TIMESTAMP column (`date=YYYY-MM-DD` folders); nil: `data/`.
    public var partitionColumn: String?
    /// Time zone in which UTC timestamps become partition dates.
    public var partitionTimeZone: TimeZone
    /// nil: `replace-partitions` when partitioned, else `replace`.
    public var mode: WriteMode?
    /// A file that grows past this continues in the next part number (checked after each batch).
    public var maxFileBytes: Int64
    /// Files open at once while partitioning; beyond it the least recently used file is closed
    /// and its partition continues in a new part (see `StagedFileWriters`). Also held to half the
    /// process's open-file limit. Each open writer holds its unflushed rows in memory.
    public var maxOpenWriters: Int
    /// Write and verify everything in staging, then discard it instead of publishing.
    public var dryRun: Bool
    public var source: SourceInfo?
    /// What the source turned out to be (size, SHA-256 of the bytes read), asked once the
    /// batches are exhausted; it replaces `source` in the manifest.
    public var finalSource: (@Sendable () async throws -> SourceInfo)?
    public var inletVersion: String
    public var progress: (@Sendable (LoadProgress) -> Void)?
    /// The source's incremental state after its last batch, asked once the batches are
    /// exhausted and written into the manifest (see `Manifest.state`).
    public var finalState: (@Sendable () -> JSONValue?)?
    /// The key columns of mode merge (one, or several for a composite key).
    public var primaryKey: [String] = []
    /// How the load takes the dataset's lease (see `DatasetLease`).
    public var lease = LeaseOptions()
    /// A lease the caller already holds (`Lake.withLease`); the load confirms it before
    /// publishing and leaves releasing it to the caller.
    public var heldLease: DatasetLease?
    /// nil: whatever the dataset already is (plain Parquet for a new one).
    public var tableFormat: TableFormat?

    public init(partitionColumn: String? = nil, partitionTimeZone: TimeZone = TimeZone(identifier: "UTC")!,
                mode: WriteMode? = nil, maxFileBytes: Int64 = 512 << 20, maxOpenWriters: Int = 8192,
                dryRun: Bool = false, source: SourceInfo? = nil, inletVersion: String = "dev",
                progress: (@Sendable (LoadProgress) -> Void)? = nil) {
        self.partitionColumn = partitionColumn
        self.partitionTimeZone = partitionTimeZone
        self.mode = mode
        self.maxFileBytes = maxFileBytes
        self.maxOpenWriters = maxOpenWriters
        self.dryRun = dryRun
        self.source = source
        self.inletVersion = inletVersion
        self.progress = progress
    }

    public var effectiveMode: WriteMode { mode ?? (partitionColumn == nil ? .replace : .replacePartitions) }

    /// `maxOpenWriters`, held to half the soft open-file limit (macOS defaults to 256).
    var writerCap: Int {
        guard let soft = OpenFileLimit.soft, soft > 16 else { return maxOpenWriters }
        return max(1, min(maxOpenWriters, soft / 2))
    }

    /// `Asia/Tokyo` → TimeZone, with an error that names the bad value.
    public static func timeZone(named name: String) throws -> TimeZone {
        guard let tz = TimeZone(identifier: name) else { throw LakeError.unknownTimeZone(name) }
        return tz
    }
}

public struct LoadProgress: Sendable {
    public enum Phase: String, Sendable { case writing, verifying, publishing, cleaning, done }
    public var phase: Phase
    public var rowsRead: Int64
    public var rowsWritten: Int64
    public var filesStaged: Int
}

public struct LoadResult: Sendable {
    public var datasetId: DatasetID
    public var runId: String
    public var mode: WriteMode
    public var rowsRead: Int64
    public var rowsWritten: Int64
    /// The files this load wrote (published unless `dryRun`).
    public var files: [ManifestFile]
    public var partitionsWritten: [String]
    public var staleDeleted: Int
    /// The manifest written (or, on a dry run, that would have been).
    public var manifest: Manifest
    public var dryRun: Bool
    /// How readers saw the switch: every changed folder at once, or object by object.
    public var publishedAtomically: PublishAtomicity
    /// The Delta version this load committed (nil for the plain layout and dry runs).
    public var deltaVersion: Int64? = nil
    /// Files a Delta commit removed from the table (they stay for time travel until vacuum).
    public var filesRemoved: Int = 0
    /// Mode merge: rows updated and inserted, duplicates dropped, files rewritten, bytes read.
    public var merge: MergeOutcome?
}

public enum PublishAtomicity: String, Sendable {
    /// LocalStore on Linux: each partition folder swapped in one renameat2 step.
    case perPartition = "per-partition"
    /// Each object replaced atomically; a partition with several files may briefly mix versions.
    case perObject = "per-object"
    /// A Delta commit: readers see the whole load, or none of it, at once.
    case deltaCommit = "delta-commit"
}

extension LoadOptions {
    /// The partition keys these options ask for over `schema`; nil for an unpartitioned load.
    func partitionKeys(schema: Schema, dataset: DatasetID) throws -> PartitionKeys? {
        try partitionColumn.map { try PartitionKeys(schema: schema, column: $0, timeZone: partitionTimeZone, dataset: dataset.rawValue) }
    }
}
