import Columnar
import Delimited
import Foundation
import Inference

/// A CSV file as typed batches: pass 1 infers every column's type from the whole file,
/// pass 2 converts chunk by chunk. Memory stays bounded by the chunk size, whatever the file size.
public final class CSVSource: BatchSource {
    public let reader: CSVReader
    public let inference: InferenceResult
    private let converter: BatchConverter
    public private(set) var rowsOut = 0
    private let fileBytes: ((UnsafeRawBufferPointer) -> Void)?
    /// The conversion pass, started by the first `next()`.
    private var pass: CSVPass<Result<ConvertedChunk, Error>>?

    public var schema: Schema { inference.schema }

    /// Opens the file and runs pass 1, calling `progress` as it reads. `overrides` may be
    /// computed from the header (e.g. the Cursor export's known columns); they join
    /// `inference.schemaOverrides`. `fileBytes` sees every byte pass 2 reads (for the digest).
    public convenience init(path: String, csv: CSVOptions, inference options: InferenceOptions,
                            overrides: ((_ header: [String]) throws -> [String: DataType])? = nil,
                            fileBytes: ((UnsafeRawBufferPointer) -> Void)? = nil,
                            progress: (@Sendable (_ bytes: Int64, _ rows: Int) -> Void)? = nil) throws {
        let (reader, options) = try Self.open(path: path, csv: csv, inference: options, overrides: overrides)
        let state = try Self.observe(reader, options: options, progress: progress)
        self.init(reader: reader, result: state.finish(), badRows: csv.badRows, fileBytes: fileBytes)
    }

    /// Pass 1 over `reader`: each chunk is observed on its parse thread (only what the stage
    /// made of it is kept) and the per-chunk states merge here in file order.
    public static func observe(_ reader: CSVReader, options: InferenceOptions,
                               progress: ((_ bytes: Int64, _ rows: Int) -> Void)? = nil) throws -> InferenceState {
        let blank = InferenceState(columnNames: reader.header, options: options)
        let scan = reader.pass(CSVPassOptions(releaseChunks: true)) { chunk in
            var s = blank
            s.observe(chunk)
            return s
        }
        var state = blank
        while let (_, observed) = try scan.next() {
            state.merge(observed)
            progress?(reader.bytesRead, reader.rowsRead)
        }
        return state
    }

    /// A file whose column types are already known (e.g. DOMO's metadata): one pass, no
    /// inference. `checkHeader` sees the header before any row is read.
    public convenience init(path: String, csv: CSVOptions, declared fields: [Field], options: InferenceOptions = .init(),
                            checkHeader: (_ header: [String]) throws -> Void) throws {
        let reader = try CSVReader(path: path, options: csv)
        try checkHeader(reader.header)
        self.init(reader: reader, result: InferenceResult(declared: fields, options: options), badRows: csv.badRows, fileBytes: nil)
    }

    /// Opens the file and completes the inference options with the header's overrides.
    static func open(path: String, csv: CSVOptions, inference options: InferenceOptions,
                     overrides: ((_ header: [String]) throws -> [String: DataType])?) throws -> (CSVReader, InferenceOptions) {
        var csv = csv
        // The header decision uses the value rules the columns' types come from.
        if csv.headerRule == nil { csv.headerRule = InferredHeaderRule(options: options) }
        let reader = try CSVReader(path: path, options: csv)
        var options = options
        if let overrides {
            options.schemaOverrides.merge(try overrides(reader.header)) { explicit, _ in explicit }
        }
        try checkOverrides(options.schemaOverrides, header: reader.header, file: reader.fileName)
        return (reader, options)
    }

    /// Pass 2 over `reader` under an inference already made.
    init(reader: CSVReader, result: InferenceResult, badRows: BadRowPolicy, fileBytes: ((UnsafeRawBufferPointer) -> Void)?) {
        self.reader = reader
        inference = result
        converter = BatchConverter(result: result, fileName: reader.fileName, rowErrors: badRows.rowErrors)
        self.fileBytes = fileBytes
    }

    public func next() throws -> RecordBatch? {
        if pass == nil {
            // Pass 2 converts on the parse threads, so both cores parse and convert while the
            // consumer encodes.
            let converter = self.converter
            pass = reader.pass(CSVPassOptions(releaseChunks: true, fileBytes: fileBytes)) { chunk in Result { try converter.convert(chunk) } }
        }
        guard let (_, staged) = try pass!.next() else { return nil }
        let converted = try staged.get()
        // Type rejects go to the rejects file here, in file order.
        try reader.reject(converted.rejected)
        rowsOut += converted.batch.rowCount
        return converted.batch
    }

    /// An override naming no column is a usage error, not something to ignore silently.
    static func checkOverrides(_ overrides: [String: DataType], header: [String], file: String) throws {
        let unknown = overrides.keys.filter { !header.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw SourceError.unknownSchemaColumns(file: file, columns: unknown, header: header)
        }
        if let (column, type) = overrides.sorted(by: { $0.key < $1.key }).first(where: { $0.value.isNested }) {
            throw SourceError.noInput("\(file): --schema gives column '\(column)' the nested type \(type.name); CSV columns are flat (nested types come from JSON input)")
        }
    }
}

extension CSVReader {
    /// Writes (or counts) the rows a chunk's conversion refused, as `--bad-rows` says.
    func reject(_ rows: [RejectedRow]) throws {
        for r in rows { try reject(line: r.line, reason: "column '\(r.column)': \(r.reason)", text: Array(r.value.utf8)) }
    }
}

extension BadRowPolicy {
    /// What the converter does with a value its column's type cannot take.
    var rowErrors: RowErrorPolicy {
        switch self {
        case .fail: return .fail
        // Collected either way: `CSVReader.reject` writes them (reject) or counts them (skip).
        case .skip, .reject: return .collect
        }
    }
}

/// A source set up wrong: a usage error, before any row is read.
public enum SourceError: Error, CustomStringConvertible {
    case unknownSchemaColumns(file: String, columns: [String], header: [String])
    /// Nothing to read where the options point.
    case noInput(String)

    public var description: String {
        switch self {
        case let .unknownSchemaColumns(f, cs, h):
            return "\(f): --schema names column(s) \(cs.map { "'\($0)'" }.joined(separator: ", ")) not in the header (\(h.joined(separator: ", ")))"
        case let .noInput(m):
            return m
        }
    }
}
