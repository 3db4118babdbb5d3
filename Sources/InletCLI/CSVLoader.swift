import Columnar
import Delimited
import Foundation
import Inference
import Lake
import ObjectStore
import Parquet
import Connectors

/// CSV file → lake, shared by `upload` and `cursor-usage`. One pass when the types of the
/// first chunk and last rows hold over the whole file (`OnePassCSVSource`), else pass 2 follows; with
/// `--bad-rows reject`, always the two passes (`CSVSource`). The source's SHA-256 is taken
/// from the bytes a pass reads anyway, on its reading thread.
struct CSVLoader {
    let console: Console
    let store: any ObjectStore
    let load: LoadCommandOptions

    func load(file: String, datasetId: DatasetID, partitionColumn: String?, csv: CSVOptions,
              inference: InferenceOptions, overrides: ((_ header: [String]) throws -> [String: DataType])?,
              transforms: [any BatchTransform]) async throws -> LoadOutcome {
        let started = Date()
        let size = fileSize(file)
        let digest = FileDigest.Streaming()
        var options = try loadOptions(file: file, size: size, partitionColumn: partitionColumn)
        options.sourceDigest = { [digest] in
            // A pass that read every byte hashed them; otherwise (an early end) the file is read again.
            digest.bytes == size ? digest.hex : try FileDigest.sha256(path: file).hex
        }
        let lake = Lake(store: store, format: ParquetDatasetFormat(options: load.parquetOptions()))
        // One lease over both passes, so no other load slips in between them.
        return try await lake.withLease(datasetId, options: options.lease, dryRun: load.dryRun) { lease in
            options.heldLease = lease
            return try await load(file: file, size: size, started: started, digest: digest, lake: lake, datasetId: datasetId, csv: csv,
                                  inference: inference, overrides: overrides, transforms: transforms, options: options)
        }
    }

    private func load(file: String, size: Int64, started: Date, digest: FileDigest.Streaming, lake: Lake, datasetId: DatasetID, csv: CSVOptions,
                      inference: InferenceOptions, overrides: ((_ header: [String]) throws -> [String: DataType])?,
                      transforms: [any BatchTransform], options: LoadOptions) async throws -> LoadOutcome {

        let reader: CSVReader
        let report: InferenceReport
        let result: LoadResult
        if case .reject = csv.badRows {
            let (source, _) = try await scanCSV(file, csv: csv, inference: inference, overrides: overrides,
                                                fileBytes: { digest.update($0) }, console: console)
            reader = source.reader
            describe(reader, warnings: source.inference.report.warnings)
            result = try await write(source, size: size, label: "write", lake: lake, datasetId: datasetId, transforms: transforms, options: options)
            report = source.inference.report
        } else {
            let bar = Progress(label: "load", totalBytes: size, console: console)
            defer { bar.finish() }  // also when settling throws
            let source = try await runBlocking {
                try OnePassCSVSource(path: file, csv: csv, inference: inference, overrides: overrides,
                                     fileBytes: { digest.update($0) }) { bytes, rows in bar.update(bytes: bytes, rows: Int64(rows)) }
            }
            reader = source.reader
            describe(reader, warnings: [])  // the warnings of inference come once it has seen the whole file
            do {
                result = try await write(source, size: size, label: nil, lake: lake, datasetId: datasetId, transforms: transforms, options: options)
            } catch {
                // Whether the error stands, or the types changed and pass 2 follows under the whole file's.
                guard let whole = try await runBlocking({ try source.settle(after: error) }) else { throw error }
                bar.finish()
                let changed = source.changedColumns(whole).map { "'\($0.name)' \($0.from.name) → \($0.to.name)" }
                console.detail("the whole file's types differ from those of its first \(Format.count(Int64(source.sampleRows))) rows and last rows"
                               + (changed.isEmpty ? "" : " (\(changed.joined(separator: ", ")))") + "; writing again with the whole file's types")
                let second = try source.secondPass(whole)
                result = try await write(second, size: size, label: "write", lake: lake, datasetId: datasetId, transforms: transforms, options: options)
            }
            for w in source.inference.report.warnings { console.warning(w) }
            report = source.inference.report
        }
        return LoadOutcome(datasetId: datasetId.rawValue, file: file, inputBytes: size, seconds: Date().timeIntervalSince(started),
                           dryRun: load.dryRun, result: result, report: report,
                           badRowsSkipped: reader.badRowsSkipped, badRowsRejected: reader.badRowsRejected,
                           store: store.displayName)
    }

    /// The encoding, header renames and inference warnings.
    private func describe(_ reader: CSVReader, warnings: [String]) {
        console.detail("encoding: \(reader.encoding.encoding.rawValue) (\(reader.encoding.reason))")
        for r in reader.headerRenames { console.warning("\(reader.fileName): column \(r.position) header '\(r.original)' renamed to '\(r.renamed)'") }
        for w in warnings { console.warning(w) }
    }

    private func loadOptions(file: String, size: Int64, partitionColumn: String?) throws -> LoadOptions {
        var options = LoadOptions()
        options.partitionColumn = partitionColumn
        options.partitionTimeZone = try load.timeZone()
        options.mode = try load.writeMode()
        options.maxFileBytes = try load.maxFileBytes()
        options.dryRun = load.dryRun
        options.lease = load.lease.options(console)
        options.inletVersion = InletVersion.number
        options.source = SourceInfo(fileName: (file as NSString).lastPathComponent, size: size, sha256: "")
        return options
    }

    /// Streams `source` into the lake; with a `label`, behind a progress bar of its own.
    private func write<S: BatchSource>(_ source: S, size: Int64, label: String?, lake: Lake, datasetId: DatasetID,
                                       transforms: [any BatchTransform], options: LoadOptions) async throws -> LoadResult
        where S: AnyObject, S: RowCounting {
        let bar = label.map { Progress(label: $0, totalBytes: size, console: console) }
        defer { bar?.finish() }
        var batches = ProgressSource(inner: source) { bar?.update(bytes: source.reader.bytesRead, rows: Int64(source.rowsOut)) }
        return try await lake.load(datasetId: datasetId, source: &batches, transforms: transforms, options: options)
    }
}

/// A source whose progress the loader can show.
protocol RowCounting {
    var reader: CSVReader { get }
    var rowsOut: Int { get }
}
extension CSVSource: RowCounting {}
extension OnePassCSVSource: RowCounting {}

/// Calls `tick` after each batch so progress follows pass 2.
struct ProgressSource<Inner: BatchSource>: BatchSource {
    var inner: Inner
    let tick: () -> Void
    var schema: Schema { inner.schema }
    mutating func next() throws -> RecordBatch? {
        let b = try inner.next()
        tick()
        return b
    }
}
