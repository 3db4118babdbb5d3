import Columnar
import Parquet

/// The file format datasets are written in (Parquet in the product). The lake only needs
/// to write batches, know roughly how big a file has grown, and re-read a footer's row count.
public protocol DatasetFileFormat: Sendable {
    /// Without the dot, e.g. `parquet`.
    var fileExtension: String { get }
    func makeWriter(path: String, schema: Schema) throws -> any DatasetFileWriter
    /// The row count a finished file's footer declares (the publish check).
    func rowCount(ofFileAt path: String) throws -> Int64
    /// Whole-file statistics of each top-level column (Delta's `stats`, merge pruning).
    func columnStatistics(ofFileAt path: String) throws -> [String: FileColumnStatistics]
    /// Up to `limit` rows from the start of a finished file (`inlet show --rows`).
    func readRows(ofFileAt path: String, limit: Int) throws -> [RecordBatch]
    /// Rows worth joining before a write: a format whose small writes cost more per row (Parquet:
    /// pages, statistics, dictionary probes) asks for pieces to be held and joined; 0 = write through.
    var joinRows: Int { get }
    /// The format for one load's writers, sharing what its files learn as they are written
    /// (Parquet: which columns a dictionary does not pay for).
    func forOneLoad() -> any DatasetFileFormat
    /// Lets what the load's writers learned so far guide them from now on. Called only between
    /// rounds of concurrent writing, so the output does not depend on thread timing.
    func settle()
}

extension DatasetFileFormat {
    public func columnStatistics(ofFileAt path: String) throws -> [String: FileColumnStatistics] { [:] }
    public func readRows(ofFileAt path: String, limit: Int) throws -> [RecordBatch] {
        throw LakeError.invalidOption("files in the \(fileExtension) format cannot be read back")
    }
    public var joinRows: Int { 0 }
    public func forOneLoad() -> any DatasetFileFormat { self }
    public func settle() {}
}

/// One file being written. `close` finishes it (footer included) and returns the rows written.
public protocol DatasetFileWriter: AnyObject {
    /// Writes the rows `rows` of `batch`.
    func write(_ batch: RecordBatch, rows: Range<Int>) throws
    /// Bytes the file will have if closed now (written plus buffered), for `maxFileBytes`.
    var estimatedFileBytes: Int64 { get }
    /// Bytes held in memory until the next flush (open row group).
    var bufferedBytes: Int { get }
    /// Writes buffered rows out (Parquet: ends the row group) to free memory.
    func flush() throws
    func close() throws -> Int64
    /// After `close`: the file's size and SHA-256, when the writer took them as it wrote
    /// (otherwise the lake reads the file back to hash it).
    var writtenDigest: (bytes: Int64, hex: String)? { get }
}

extension DatasetFileWriter {
    public var writtenDigest: (bytes: Int64, hex: String)? { nil }
}
