/// Page-body compression for written files.
public enum ParquetCompression: String, Sendable, CaseIterable {
    case none, snappy, zstd, gzip
}

/// Writer settings. Every default is documented here, where it is defined.
public struct ParquetWriteOptions: Sendable {
    /// Codec for page bodies. Default `.snappy`: fast, and what Spark and pyarrow write by default.
    public var compression: ParquetCompression = .snappy
    /// A row group is closed once it holds this many rows. Default 1,048,576 (2^20, as arrow-rs and pyarrow).
    public var rowGroupMaxRows = 1_048_576
    /// ... or once its estimated encoded size reaches this many bytes. Default 128 MiB (parquet-mr's block size).
    public var rowGroupMaxBytes = 128 << 20
    /// A data page is closed once its estimated encoded size reaches this many bytes. Default 1 MiB.
    public var pageMaxBytes = 1 << 20
    /// A column chunk's dictionary may grow to this many bytes before the column falls back to PLAIN. Default 1 MiB.
    public var dictionaryMaxBytes = 1 << 20
    /// Dictionary-encode columns (all but boolean and decimals wider than 18 digits). Default true.
    public var dictionaryEnabled = true
    /// Shared by the writers of one load's many files, so that short chunks learn from the
    /// others which columns a dictionary does not pay for. Default nil: each file judges alone.
    public var dictionaryHistory: DictionaryHistory?
    /// Written as FileMetaData.created_by; parquet-mr's form so Spark and parquet-cpp can parse it.
    public var createdBy = "inlet version 0.1.0 (build unknown)"
    /// Key-value metadata for the footer, merged over the schema's own metadata (these win). Default empty.
    public var keyValueMetadata: [String: String] = [:]

    public init() {}
}

/// What a closed file holds.
public struct ParquetWriteSummary: Sendable, Equatable {
    public var rows: Int64
    public var fileBytes: Int64
    public var rowGroups: Int
}
