import Columnar
import Delimited
import Foundation
import Inference
import Lake
import ObjectStore
import Parquet
import Sources

/// CSV file → lake: pass 1 (inference) with progress, the source's SHA-256 computed on the
/// side, pass 2 streamed into the lake, and a summary. Shared by `upload` and `cursor-usage`.
struct CSVLoader {
    let console: Console
    let store: any ObjectStore
    let load: LoadCommandOptions

    func load(file: String, datasetId: DatasetID, partitionColumn: String?, csv: CSVOptions,
              inference: InferenceOptions, overrides: ((_ header: [String]) throws -> [String: DataType])?,
              transforms: [any BatchTransform]) async throws -> LoadOutcome {
        let started = Date()
        let size = (try? FileManager.default.attributesOfItem(atPath: URL(fileURLWithPath: file).resolvingSymlinksInPath().path)[.size] as? Int64) ?? 0
        // The digest reads the file once more, on the other core, while pass 1 runs.
        let digest = Task.detached(priority: .utility) { try FileDigest.sha256(path: file).hex }

        let scan = Progress(label: "scan", totalBytes: size, console: console)
        let source = try CSVSource(path: file, csv: csv, inference: inference, overrides: overrides) { bytes, rows in
            scan.update(bytes: bytes, rows: Int64(rows))
        }
        scan.finish()
        let reader = source.reader
        console.detail("encoding: \(reader.encoding.encoding.rawValue) (\(reader.encoding.reason))")
        for r in reader.headerRenames { console.warning("\(reader.fileName): column \(r.position) header '\(r.original)' renamed to '\(r.renamed)'") }
        for w in source.inference.report.warnings { console.warning(w) }

        let write = Progress(label: "write", totalBytes: size, console: console)
        var options = LoadOptions()
        options.partitionColumn = partitionColumn
        options.partitionTimeZone = try load.timeZone()
        options.mode = try load.writeMode()
        options.maxFileBytes = try load.maxFileBytes()
        options.dryRun = load.dryRun
        options.inletVersion = InletVersion.number
        options.source = SourceInfo(fileName: (file as NSString).lastPathComponent, size: size, sha256: try await digest.value)
        let lake = Lake(store: store, format: ParquetDatasetFormat(options: load.parquetOptions()))
        var batches = ProgressSource(inner: source) { write.update(bytes: source.reader.bytesRead, rows: Int64(source.rowsOut)) }
        let result = try await lake.load(datasetId: datasetId, source: &batches, transforms: transforms, options: options)
        write.finish()

        return LoadOutcome(datasetId: datasetId.rawValue, file: file, inputBytes: size, seconds: Date().timeIntervalSince(started),
                           dryRun: load.dryRun, result: result, report: source.inference.report,
                           badRowsSkipped: reader.badRowsSkipped, badRowsRejected: reader.badRowsRejected,
                           store: store.displayName)
    }
}

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
