import Columnar

/// A Parquet file's footer on its own, decoded from the bytes at the end of the file, so that
/// statistics can be read without the file: a merge on S3 fetches only the tail (two ranged
/// GETs: the last 8 bytes give the footer's length, then the footer).
public struct ParquetFooter: Sendable {
    public let schema: Schema
    public let rowCount: Int64
    /// The compressed bytes of every column chunk: the file's size less this is what reading
    /// only the footer costs.
    public let chunkBytes: Int64
    /// Per top-level flat column, per row group: the raw min/max statistics as written
    /// (little-endian numbers, big-endian decimals in fixed bytes, raw bytes for strings).
    private let stats: [[ChunkStatistics?]]

    public struct ChunkStatistics: Sendable, Equatable {
        public var min: [UInt8]?
        public var max: [UInt8]?
        public var nullCount: Int64?
        public var rows: Int64
        /// The chunk's compressed bytes (what reading this column of this row group costs).
        public var bytes: Int64
    }

    /// The footer length declared by a file's last 8 bytes (4-byte length + `PAR1`).
    public static func footerLength(trailer: [UInt8]) throws -> Int {
        guard trailer.count == 8, Array(trailer[4...]) == Array("PAR1".utf8) else {
            throw ParquetError.corrupt("the file does not end with the PAR1 magic bytes")
        }
        return Int(UInt32(trailer[0]) | UInt32(trailer[1]) << 8 | UInt32(trailer[2]) << 16 | UInt32(trailer[3]) << 24)
    }

    /// Decodes `footer`, the thrift bytes that precede the trailer.
    public init(footer: [UInt8]) throws {
        let meta = try FileMetaData.decode(footer)
        self.init(meta: meta, tree: try SchemaTree(reading: meta.schema))
    }

    init(meta: FileMetaData, tree: SchemaTree) {
        schema = Schema(tree.fields.map(\.field))
        rowCount = meta.numRows
        chunkBytes = meta.rowGroups.reduce(0) { $0 + $1.columns.reduce(0) { $0 + ($1.metaData?.totalCompressedSize ?? 0) } }
        stats = tree.fields.map { node in
            guard node.isLeaf else { return [] }
            return meta.rowGroups.map { rg in
                guard rg.columns.indices.contains(node.firstLeaf), let m = rg.columns[node.firstLeaf].metaData else { return nil }
                // Only the ordered min_value/max_value: the legacy fields' order is undefined for bytes.
                let s = m.statistics
                return ChunkStatistics(min: s?.minValue, max: s?.maxValue, nullCount: s?.nullCount, rows: rg.numRows,
                                       bytes: m.totalCompressedSize)
            }
        }
    }

    /// Statistics of column `column` (a top-level flat field), one per row group; nil where a
    /// row group has none. Empty for a nested column.
    public func statistics(column: Int) -> [ChunkStatistics?] { stats.indices.contains(column) ? stats[column] : [] }
}

extension ParquetFileReader {
    /// This file's footer statistics (decoded on open).
    public var footer: ParquetFooter { ParquetFooter(meta: fileMetaData, tree: schemaTree) }
}
