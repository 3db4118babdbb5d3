// # Parquet
//
// Inlet's own Parquet codec (no generator, no third-party Parquet library).
//
// | file | job |
// |---|---|
// | `ParquetWriteOptions.swift` | writer settings (every default documented), `ParquetCompression`, `ParquetWriteSummary` |
// | `ParquetFileWriter.swift` | streams batches into row groups, writes the footer |
// | `ColumnChunkWriter.swift` | one column chunk: levels, ~1 MiB data pages (v1), dictionary page, compression, statistics |
// | `FixedWidthEncoder.swift`, `ByteArrayEncoder.swift`, `PlainOnlyEncoders.swift` | dictionary / PLAIN values and min/max per physical type |
// | `DefinitionLevelEncoder.swift`, `RLEHybridEncoder.swift` | the RLE / bit-packing hybrid (levels byte-wise; dictionary indices) |
// | `SchemaMapping.swift` | Columnar type ⇄ physical + logical + converted type (leaves) |
// | `SchemaTree.swift`, `SchemaTreeWriting.swift`, `SchemaTreeReading.swift` | nested fields as a tree of leaves with their levels: three-level LIST, MAP, groups; the backward-compatibility rules on read |
// | `LevelShredder.swift`, `NestedChunkWriting.swift` | the writer's nested path: a column's rows to each leaf's repetition/definition levels and packed values, pages cut between records |
// | `NestedAssembler.swift` | the reader's nested path: leaves' levels back to list offsets, struct children and validity |
// | `ThriftCompactWriter.swift`, `ThriftCompactReader.swift`, `Metadata.swift`, `FormatEnums.swift` | the footer and page headers in the Thrift compact protocol |
// | `Compression.swift` | snappy / zstd / gzip through the system libraries |
// | `ParquetFileReader.swift`, `ColumnChunkReader.swift`, `PhysicalBuffer.swift`, `ValueDecoders.swift`, `ColumnAssembler.swift`, `ByteCursor.swift` | the reader: footer, pages v1/v2, PLAIN, dictionary, RLE, DELTA_*, BYTE_STREAM_SPLIT, checked conversion to Columnar |
//
// Unsupported (each fails with `ParquetError.unsupported(feature:column:)`): encryption,
// LZ4/LZO/BROTLI codecs, TIME in nanoseconds, and nanosecond or INT96 timestamps that are not whole microseconds.
