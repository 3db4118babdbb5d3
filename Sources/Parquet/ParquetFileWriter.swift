import Dispatch
import Columnar

/// Streams record batches into one Parquet file, one row group at a time.
///
/// Memory holds at most one row group's encoded pages: each batch is encoded into the
/// open row group's column chunks, which are written out when the group reaches
/// `rowGroupMaxRows` rows or about `rowGroupMaxBytes` bytes.
public final class ParquetFileWriter {
    public let path: String
    public let schema: Schema
    public let options: ParquetWriteOptions
    private let sink: FileSink
    /// Emptied by `close`, with `rowGroups`, so the encoders and the footer's metadata are freed
    /// on the closing thread (a load closes its files on all cores), not wherever the writer dies.
    /// One per leaf; a flat field is its own leaf.
    private var columns: [ColumnChunkWriter]
    private let tree: SchemaTree
    /// The top-level field each leaf belongs to.
    private let fieldOfLeaf: [Int]
    /// How to shred each leaf of a nested field (nil for flat fields, which take no shredding).
    private let leafPaths: [LeafPath?]
    private let hasNested: Bool
    private var rowGroups: [RowGroup] = []
    private var groupRows = 0
    private var closed = false
    public private(set) var rowsWritten: Int64 = 0

    /// `observer` sees every byte of the file as it is written, in order.
    public init(path: String, schema: Schema, options: ParquetWriteOptions = .init(),
                observer: ((UnsafeRawBufferPointer) -> Void)? = nil) throws {
        for f in schema.fields { try Self.validate(f.type, f.name) }
        let tree = SchemaTree(writing: schema)
        if let deep = tree.leaves.first(where: { $0.maxDefinition > SchemaTree.maxLevel }) {
            throw ParquetError.unsupported(feature: "nesting deeper than \(SchemaTree.maxLevel) levels", column: deep.dottedPath)
        }
        guard options.rowGroupMaxRows > 0, options.pageMaxBytes > 0, options.rowGroupMaxBytes > 0 else {
            throw ParquetError.invalidState("row group and page limits must be positive")
        }
        self.path = path
        self.schema = schema
        self.options = options
        sink = try FileSink(path: path, observer: observer)
        // FNV-1a of the file's name and its folder's (`date=…/part-0000.parquet`): the same in
        // every run of a load, whose staging folder differs (Hasher's seed differs too).
        let seed = path.split(separator: "/").suffix(2).joined(separator: "/").utf8
            .reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        var columns: [ColumnChunkWriter] = [], fieldOfLeaf: [Int] = [], leafPaths: [LeafPath?] = []
        for (j, node) in tree.fields.enumerated() {
            for leaf in node.leaves {
                // A leaf's index keys the shared dictionary history; for a flat schema it is the field's.
                if node.isLeaf {
                    columns.append(ColumnChunkWriter(field: schema.fields[j], index: leaf, options: options, trialSeed: Int(seed % 1024)))
                    leafPaths.append(nil)
                } else {
                    columns.append(ColumnChunkWriter(field: tree.leaves[leaf].field, index: leaf, options: options,
                                                     trialSeed: Int(seed % 1024), leaf: tree.leaves[leaf]))
                    leafPaths.append(LeafPath(tree: tree, field: node, leaf: leaf))
                }
                fieldOfLeaf.append(j)
            }
        }
        self.tree = tree
        self.columns = columns
        self.fieldOfLeaf = fieldOfLeaf
        self.leafPaths = leafPaths
        hasNested = leafPaths.contains { $0 != nil }
        try sink.write(Array("PAR1".utf8))
    }

    /// Bytes written so far plus the open row group's estimate (for rolling over to a new file).
    public var estimatedFileBytes: Int64 {
        sink.offset + Int64(columns.reduce(0) { $0 + $1.estimatedBytes })
    }

    /// Memory held for the open row group: buffers and dictionaries, not just encoded bytes.
    public var bufferedBytes: Int { columns.reduce(0) { $0 + $1.memoryBytes } }

    /// Writes the open row group now (the caller's memory budget, e.g. many open partitions).
    public func flush() throws {
        guard !closed else { throw ParquetError.invalidState("flush after close on \(path)") }
        try flushRowGroup()
    }

    public func write(_ batch: RecordBatch) throws { try write(batch, rows: 0 ..< batch.rowCount) }

    /// Writes the rows `rows` of `batch`.
    public func write(_ batch: RecordBatch, rows: Range<Int>) throws {
        guard !closed else { throw ParquetError.invalidState("write after close on \(path)") }
        guard batch.schema.fields.count == schema.fields.count else {
            throw ParquetError.schemaMismatch("batch has \(batch.schema.fields.count) columns, file \(path) has \(schema.fields.count)")
        }
        for (i, (f, c)) in zip(schema.fields, batch.columns).enumerated() {
            guard c.type == f.type else {
                throw ParquetError.schemaMismatch("column \(i) '\(f.name)' is \(f.type.name) in the file but \(c.type.name) in the batch")
            }
            if !f.nullable && c.nullCount > 0 {
                throw ParquetError.schemaMismatch("column '\(f.name)' is required but the batch has \(c.nullCount) nulls")
            }
        }
        let physical = batch.columns.enumerated().map { j, c in
            let node = tree.fields[j]
            return node.isLeaf ? ColumnChunkWriter.physicalColumn(c, layout: columns[node.firstLeaf].layout) : c
        }
        precondition(rows.lowerBound >= 0 && rows.upperBound <= batch.rowCount, "ParquetFileWriter.write: rows \(rows) outside a batch of \(batch.rowCount)")
        var start = rows.lowerBound
        let n = rows.upperBound
        // Slices small enough to check the row group's byte budget as it fills.
        let slice = 65_536
        while start < n {
            let end = min(n, start + min(slice, options.rowGroupMaxRows - groupRows))
            try encode(physical, start ..< end)
            groupRows += end - start
            rowsWritten += Int64(end - start)
            start = end
            if groupRows >= options.rowGroupMaxRows || columns.reduce(0, { $0 + $1.estimatedBytes }) >= options.rowGroupMaxBytes {
                try flushRowGroup()
            }
        }
    }

    /// Column chunks are independent, so a large slice encodes its columns on all cores;
    /// small slices (many small partitions) stay on this thread, where dispatch would cost more.
    private func encode(_ physical: [Column], _ range: Range<Int>) throws {
        guard hasNested else {
            try eachColumn(concurrently: range.count >= 8192) { i, w in try w.write(physical[i], range) }
            return
        }
        // Every nested leaf is shredded before any column takes a row, so a null in a required
        // nested field fails the write with the row group still consistent.
        let shredded = UnsafeMutableBufferPointer<ShreddedLeaf?>.allocate(capacity: columns.count)
        shredded.initialize(repeating: nil)
        defer { shredded.deinitialize(); shredded.deallocate() }
        try eachColumn(concurrently: range.count >= 2048) { i, w in
            if let path = leafPaths[i] {
                shredded[i] = try LevelShredder.shred(physical[fieldOfLeaf[i]], rows: range, path: path, layout: w.layout)
            }
        }
        try eachColumn(concurrently: range.count >= 2048) { i, w in
            if let leaf = shredded[i] { try w.write(leaf) } else { try w.write(physical[fieldOfLeaf[i]], range) }
        }
    }

    /// Decimals in range and structs with fields: the same checks for nested fields' children.
    private static func validate(_ type: DataType, _ name: String) throws {
        switch type {
        case let .decimal(p, s) where !(1 ... 38).contains(p) || !(0 ... p).contains(s):
            throw ParquetError.schemaMismatch("column '\(name)' has invalid decimal(\(p),\(s))")
        case let .list(e): try validate(e.type, name)
        case let .map(k, v): try validate(k, name); try validate(v.type, name)
        case let .structure(fields):
            guard !fields.isEmpty else { throw ParquetError.unsupported(feature: "struct without fields", column: name) }
            for f in fields { try validate(f.type, name + "." + f.name) }
        default: break
        }
    }

    /// Runs `body` on every column's writer, on all cores when asked and there are several.
    private func eachColumn(concurrently: Bool, _ body: (Int, ColumnChunkWriter) throws -> Void) throws {
        let columns = self.columns
        guard concurrently, columns.count > 1 else {
            for (i, w) in columns.enumerated() { try body(i, w) }
            return
        }
        let failures = UnsafeMutableBufferPointer<Error?>.allocate(capacity: columns.count)
        failures.initialize(repeating: nil)
        defer { failures.deinitialize(); failures.deallocate() }
        // Each iteration touches only its own writer and its own failure slot.
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: columns.count) { i in
                do { try body(i, columns[i]) } catch { failures[i] = error }
            }
        }
        if let first = failures.lazy.compactMap({ $0 }).first { throw first }
    }

    private func flushRowGroup() throws {
        guard groupRows > 0 else { return }
        // The last pages' and the dictionaries' encoding and compression on all cores; only the
        // writing stays in column order on this thread.
        try eachColumn(concurrently: groupRows >= 8192) { _, w in try w.seal() }
        let start = sink.offset
        var chunks: [ColumnChunk] = []
        for w in columns { chunks.append(try w.finishChunk(to: sink)) }
        let uncompressed = chunks.reduce(Int64(0)) { $0 + ($1.metaData?.totalUncompressedSize ?? 0) }
        rowGroups.append(RowGroup(columns: chunks, totalByteSize: uncompressed, numRows: Int64(groupRows),
                                  fileOffset: start, totalCompressedSize: sink.offset - start,
                                  ordinal: Int16(truncatingIfNeeded: rowGroups.count)))
        groupRows = 0
    }

    /// Footer key-value pairs: the schema's metadata with the options' on top, sorted for stable output.
    private var keyValues: [(key: String, value: String?)] {
        schema.metadata.merging(options.keyValueMetadata) { $1 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Writes the last row group and the footer; the file is complete only after this.
    public func close() throws -> ParquetWriteSummary {
        guard !closed else { throw ParquetError.invalidState("close called twice on \(path)") }
        try flushRowGroup()
        closed = true
        let meta = FileMetaData(version: 2, schema: tree.elements, numRows: rowsWritten,
                                rowGroups: rowGroups, keyValueMetadata: keyValues, createdBy: options.createdBy)
        let footer = meta.encode()
        try sink.write(footer)
        try sink.write(leBytes(UInt32(footer.count).littleEndian))
        try sink.write(Array("PAR1".utf8))
        let size = sink.offset
        try sink.close()
        let summary = ParquetWriteSummary(rows: rowsWritten, fileBytes: size, rowGroups: rowGroups.count)
        columns = []
        rowGroups = []
        return summary
    }
}
