import Columnar
import ObjectStore
import Parquet

/// Parquet behind the lake's file-format protocol: the product's only dataset format.
public struct ParquetDatasetFormat: DatasetFileFormat {
    public let options: ParquetWriteOptions

    public init(options: ParquetWriteOptions = Self.lakeOptions) { self.options = options }

    /// Row groups end at about 8 MiB encoded (10^5 rows and more of typical exports; DuckDB
    /// writes 122,880 rows): a writer then holds a few tens of MiB, not 128 MiB's worth.
    /// Measured on encoded bytes, which do not depend on the allocator: the same input gives
    /// the same file.
    public static var lakeOptions: ParquetWriteOptions {
        var o = ParquetWriteOptions()
        o.rowGroupMaxBytes = 8 << 20
        return o
    }

    /// Row groups of sources that arrive slowly over the network (REST APIs): 2 MiB encoded,
    /// about 20,000 records of a typical API's, which keeps a load's memory a third of a
    /// Python loader's (scripts/bench api) while readers still skip by row group.
    public static let networkRowGroupBytes = 2 << 20

    public var fileExtension: String { "parquet" }

    /// About one slice of the writer's encode loop.
    public var joinRows: Int { 65_536 }

    /// The load's files share one dictionary history: a many-partition load's short chunks
    /// would otherwise each build a dictionary for ids and free text (see `DictionaryHistory`).
    public func forOneLoad() -> any DatasetFileFormat {
        var o = options
        o.dictionaryHistory = DictionaryHistory()
        return ParquetDatasetFormat(options: o)
    }

    public func settle() { options.dictionaryHistory?.settle() }

    public func makeWriter(path: String, schema: Schema) throws -> any DatasetFileWriter {
        // The manifest's checksum is taken from the bytes as they are written, on the thread
        // encoding them, instead of reading every file back at the end.
        let digest = FileDigest.Streaming()
        return ParquetPartWriter(try ParquetFileWriter(path: path, schema: schema, options: options) { digest.update($0) },
                                 digest: digest)
    }

    public func rowCount(ofFileAt path: String) throws -> Int64 {
        try ParquetFileReader(path: path).rowCount
    }

    public func columnStatistics(ofFileAt path: String) throws -> [String: FileColumnStatistics] {
        try ParquetFileReader(path: path).fileStatistics()
    }

    /// Reads row groups until `limit` rows are in hand.
    public func readRows(ofFileAt path: String, limit: Int) throws -> [RecordBatch] {
        let reader = try ParquetFileReader(path: path)
        var out: [RecordBatch] = []
        var rows = 0
        for g in 0 ..< reader.rowGroupCount where rows < limit {
            let batch = try reader.readRowGroup(g)
            out.append(batch)
            rows += batch.rowCount
        }
        return out
    }
}

final class ParquetPartWriter: DatasetFileWriter {
    private let writer: ParquetFileWriter
    private let digest: FileDigest.Streaming
    private var closed = false

    init(_ writer: ParquetFileWriter, digest: FileDigest.Streaming) { self.writer = writer; self.digest = digest }

    func write(_ batch: RecordBatch, rows: Range<Int>) throws { try writer.write(batch, rows: rows) }
    var estimatedFileBytes: Int64 { writer.estimatedFileBytes }
    var bufferedBytes: Int { writer.bufferedBytes }
    func flush() throws { try writer.flush() }
    func close() throws -> Int64 {
        let rows = try writer.close().rows
        closed = true
        return rows
    }
    var writtenDigest: (bytes: Int64, hex: String)? { closed ? (digest.bytes, digest.hex) : nil }
}
