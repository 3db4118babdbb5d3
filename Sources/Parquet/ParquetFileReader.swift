import Columnar
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads Parquet files, flat and nested: the footer on open, then row groups (optionally some
/// columns) on demand.
public final class ParquetFileReader {
    public let path: String
    public let schema: Schema
    public let rowCount: Int64
    public let createdBy: String?
    private let metadata: FileMetaData
    private let tree: SchemaTree
    private let fd: Int32
    private let fileSize: Int64

    public init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ParquetError.io(path: path, message: String(cString: strerror(errno))) }
        do {
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw ParquetError.io(path: path, message: String(cString: strerror(errno))) }
            fileSize = Int64(st.st_size)
            guard fileSize >= 12 else { throw ParquetError.corrupt("\(path) is \(fileSize) bytes, too small for Parquet") }
            let head = try Self.readBytes(fd, path, 0, 4)
            let tail = try Self.readBytes(fd, path, fileSize - 8, 8)
            let magic = Array(tail[4...])
            if magic == Array("PARE".utf8) { throw ParquetError.unsupported(feature: "encrypted footer", column: nil) }
            guard magic == Array("PAR1".utf8), head == Array("PAR1".utf8) else {
                throw ParquetError.corrupt("\(path) lacks the PAR1 magic bytes")
            }
            let footerLen = Int64(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
            guard footerLen > 0, footerLen <= fileSize - 12 else {
                throw ParquetError.corrupt("\(path) footer length \(footerLen) does not fit the \(fileSize)-byte file")
            }
            let footer = try Self.readBytes(fd, path, fileSize - 8 - footerLen, Int(footerLen))
            let meta = try FileMetaData.decode(footer)
            if meta.hasEncryptionAlgorithm { throw ParquetError.unsupported(feature: "encrypted columns", column: nil) }
            metadata = meta
            createdBy = meta.createdBy
            rowCount = meta.numRows
            tree = try SchemaTree(reading: meta.schema)
            var kv: [String: String] = [:]
            for (k, v) in meta.keyValueMetadata { kv[k] = v ?? "" }
            schema = Schema(tree.fields.map(\.field), metadata: kv)
            for (g, rg) in meta.rowGroups.enumerated() {
                guard rg.columns.count == tree.leaves.count else {
                    throw ParquetError.corrupt("row group \(g) has \(rg.columns.count) columns, schema has \(tree.leaves.count)")
                }
                guard rg.numRows >= 0 else { throw ParquetError.corrupt("row group \(g) has a negative row count") }
            }
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    private static func readBytes(_ fd: Int32, _ path: String, _ offset: Int64, _ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 { throw ParquetError.io(path: path, message: String(cString: strerror(errno))) }
            if n == 0 { throw ParquetError.corrupt("\(path) ends early at byte \(offset + Int64(done))") }
            done += n
        }
        return out
    }

    public var rowGroupCount: Int { metadata.rowGroups.count }

    /// The decoded footer, for tests and diagnostics inside the module.
    var fileMetaData: FileMetaData { metadata }
    var schemaTree: SchemaTree { tree }

    public func rowGroupRowCount(_ i: Int) -> Int64 { metadata.rowGroups[i].numRows }

    /// Reads row group `i`, all columns or those at `columns` (in that order).
    public func readRowGroup(_ i: Int, columns: [Int]? = nil) throws -> RecordBatch {
        guard metadata.rowGroups.indices.contains(i) else {
            throw ParquetError.invalidState("row group \(i) out of range (file has \(rowGroupCount))")
        }
        let selected = columns ?? Array(schema.fields.indices)
        let rg = metadata.rowGroups[i]
        let rows = Int(rg.numRows)
        var out: [Column] = []
        for c in selected {
            guard schema.fields.indices.contains(c) else { throw ParquetError.invalidState("column \(c) out of range") }
            let node = tree.fields[c]
            if rows == 0 {
                var b = ColumnBuilder(type: node.type)
                out.append(b.finish())
                continue
            }
            if node.isLeaf {
                let leaf = tree.leaves[node.firstLeaf]
                let (bytes, meta) = try chunk(rg, leaf: node.firstLeaf)
                let reader = ColumnChunkReader(name: node.name, element: leaf.element,
                                               physical: PhysicalType(rawValue: leaf.element.type ?? -1) ?? .byteArray, nullable: node.nullable)
                let (buf, validity) = try reader.read(chunk: bytes, meta: meta, rows: rows)
                out.append(try ColumnAssembler.column(buf, validity: validity, rows: rows, type: node.type, element: leaf.element))
            } else {
                var levels: [LeafLevels] = []
                for l in node.leaves {
                    let leaf = tree.leaves[l]
                    let (bytes, meta) = try chunk(rg, leaf: l)
                    let reader = ColumnChunkReader(name: leaf.dottedPath, element: leaf.element,
                                                   physical: PhysicalType(rawValue: leaf.element.type ?? -1) ?? .byteArray,
                                                   maxRepetition: leaf.maxRepetition, maxDefinition: leaf.maxDefinition)
                    levels.append(try reader.readLevels(chunk: bytes, meta: meta))
                }
                let assembler = NestedAssembler(levels: levels, firstLeaf: node.firstLeaf, leaves: tree.leaves)
                out.append(try assembler.column(node, rows: rows))
            }
        }
        let outSchema = Schema(selected.map { schema.fields[$0] }, metadata: schema.metadata)
        do {
            return try RecordBatch(schema: outSchema, columns: out)
        } catch {
            throw ParquetError.corrupt("row group \(i): \(error)")
        }
    }

    /// The bytes and metadata of leaf `leaf`'s column chunk in row group `rg`.
    private func chunk(_ rg: RowGroup, leaf: Int) throws -> ([UInt8], ColumnMetaData) {
        let name = tree.leaves[leaf].dottedPath
        let chunk = rg.columns[leaf]
        if chunk.isEncrypted { throw ParquetError.unsupported(feature: "column encryption", column: name) }
        if let p = chunk.filePath, !p.isEmpty { throw ParquetError.unsupported(feature: "column chunk in external file", column: name) }
        guard let meta = chunk.metaData else { throw ParquetError.corrupt("column '\(name)' lacks metadata") }
        guard meta.type == tree.leaves[leaf].element.type else {
            throw ParquetError.corrupt("column '\(name)' chunk type \(meta.type) differs from its schema")
        }
        var start = meta.dataPageOffset
        // Some writers record a dictionary offset of 0; only trust one that precedes the data pages.
        if let d = meta.dictionaryPageOffset, d > 0, d < start { start = d }
        let length = meta.totalCompressedSize
        guard start >= 4, length >= 0, start <= fileSize, length <= fileSize - start else {
            throw ParquetError.corrupt("column '\(name)' chunk [\(start), +\(length)) lies outside the file")
        }
        return (try Self.readBytes(fd, path, start, Int(length)), meta)
    }

    public func readAll(columns: [Int]? = nil) throws -> [RecordBatch] {
        try (0 ..< rowGroupCount).map { try readRowGroup($0, columns: columns) }
    }
}
