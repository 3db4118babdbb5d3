import Columnar
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

    public var fileExtension: String { "parquet" }

    /// About one slice of the writer's encode loop.
    public var joinRows: Int { 65_536 }

    public func makeWriter(path: String, schema: Schema) throws -> any DatasetFileWriter {
        ParquetPartWriter(try ParquetFileWriter(path: path, schema: schema, options: options))
    }

    public func rowCount(ofFileAt path: String) throws -> Int64 {
        try ParquetFileReader(path: path).rowCount
    }
}

final class ParquetPartWriter: DatasetFileWriter {
    private let writer: ParquetFileWriter

    init(_ writer: ParquetFileWriter) { self.writer = writer }

    func write(_ batch: RecordBatch, rows: Range<Int>) throws { try writer.write(batch, rows: rows) }
    var estimatedFileBytes: Int64 { writer.estimatedFileBytes }
    var bufferedBytes: Int { writer.bufferedBytes }
    func flush() throws { try writer.flush() }
    func close() throws -> Int64 { try writer.close().rows }
}
