import Columnar
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads flat Parquet files: the footer on open, then row groups (optionally some columns) on demand.
public final class ParquetFileReader {
    public let path: String
    public let schema: Schema
    public let rowCount: Int64
    public let createdBy: String?
    private let metadata: FileMetaData
    private let leaves: [SchemaElement]
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
            (schema, leaves) = try Self.flatSchema(meta)
            for (g, rg) in meta.rowGroups.enumerated() {
                guard rg.columns.count == leaves.count else {
                    throw ParquetError.corrupt("row group \(g) has \(rg.columns.count) columns, schema has \(leaves.count)")
                }
                guard rg.numRows >= 0 else { throw ParquetError.corrupt("row group \(g) has a negative row count") }
            }
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    /// Maps the footer's schema to Columnar, rejecting nesting with the column's name.
    private static func flatSchema(_ meta: FileMetaData) throws -> (Schema, [SchemaElement]) {
        let root = meta.schema[0]
        let n = Int(root.numChildren ?? 0)
        var fields: [Field] = []
        var leaves: [SchemaElement] = []
        var i = 1
        while i < meta.schema.count {
            let e = meta.schema[i]
            if let kids = e.numChildren, kids > 0 {
                throw ParquetError.unsupported(feature: "nested type (group)", column: e.name)
            }
            if e.repetition == Repetition.repeated.rawValue {
                throw ParquetError.unsupported(feature: "nested type (repeated field)", column: e.name)
            }
            if e.type == nil { throw ParquetError.unsupported(feature: "nested type (empty group)", column: e.name) }
            fields.append(Field(e.name, try SchemaMapping.dataType(for: e), nullable: e.repetition != Repetition.required.rawValue))
            leaves.append(e)
            i += 1
        }
        guard leaves.count == n else { throw ParquetError.corrupt("schema root declares \(n) columns but lists \(leaves.count)") }
        var kv: [String: String] = [:]
        for (k, v) in meta.keyValueMetadata { kv[k] = v ?? "" }
        return (Schema(fields, metadata: kv), leaves)
    }

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
            let field = schema.fields[c]
            let chunk = rg.columns[c]
            if chunk.isEncrypted { throw ParquetError.unsupported(feature: "column encryption", column: field.name) }
            if let p = chunk.filePath, !p.isEmpty { throw ParquetError.unsupported(feature: "column chunk in external file", column: field.name) }
            guard let meta = chunk.metaData else { throw ParquetError.corrupt("column '\(field.name)' lacks metadata") }
            guard meta.type == leaves[c].type else {
                throw ParquetError.corrupt("column '\(field.name)' chunk type \(meta.type) differs from its schema")
            }
            if rows == 0 {
                var b = ColumnBuilder(type: field.type)
                out.append(b.finish())
                continue
            }
            var start = meta.dataPageOffset
            // Some writers record a dictionary offset of 0; only trust one that precedes the data pages.
            if let d = meta.dictionaryPageOffset, d > 0, d < start { start = d }
            let length = meta.totalCompressedSize
            guard start >= 4, length >= 0, start <= fileSize, length <= fileSize - start else {
                throw ParquetError.corrupt("column '\(field.name)' chunk [\(start), +\(length)) lies outside the file")
            }
            let bytes = try Self.readBytes(fd, path, start, Int(length))
            let reader = ColumnChunkReader(name: field.name, element: leaves[c],
                                           physical: PhysicalType(rawValue: leaves[c].type ?? -1) ?? .byteArray, nullable: field.nullable)
            let (buf, validity) = try reader.read(chunk: bytes, meta: meta, rows: rows)
            out.append(try ColumnAssembler.column(buf, validity: validity, rows: rows, type: field.type, element: leaves[c]))
        }
        let outSchema = Schema(selected.map { schema.fields[$0] }, metadata: schema.metadata)
        do {
            return try RecordBatch(schema: outSchema, columns: out)
        } catch {
            throw ParquetError.corrupt("row group \(i): \(error)")
        }
    }

    public func readAll(columns: [Int]? = nil) throws -> [RecordBatch] {
        try (0 ..< rowGroupCount).map { try readRowGroup($0, columns: columns) }
    }
}
