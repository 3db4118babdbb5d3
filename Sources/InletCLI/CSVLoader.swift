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
        let (source, size) = try await scanCSV(file, csv: csv, inference: inference, overrides: overrides, console: console)
        let reader = source.reader
        let digest = sourceDigest(file: file, size: size, reader: reader)
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
        options.source = SourceInfo(fileName: (file as NSString).lastPathComponent, size: size, sha256: "")
        options.sourceDigest = digest
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

extension CSVLoader {
    /// The source's SHA-256, for the manifest. When pass 2 replays pass 1's blocks (UTF-8), it
    /// hashes the bytes it reads anyway, on its reading thread, idle otherwise; pass 1 (every
    /// core busy) no longer shares them with a third read. Otherwise the file is read once more
    /// on the side during pass 2, or, when the replay was refused (the file changed between
    /// the passes), after it.
    func sourceDigest(file: String, size: Int64, reader: CSVReader) -> @Sendable () async throws -> String {
        let streamed = FileDigest.Streaming()
        let onTheSide: Task<String, Error>?
        if reader.nextPassMayReplay {
            reader.replayedBytes = { streamed.update($0) }
            onTheSide = nil
        } else {
            onTheSide = Task.detached(priority: .utility) { try FileDigest.sha256(path: file).hex }
        }
        // Called once the source is exhausted, so the reader is no longer in use.
        return {
            if reader.lastPassReplayed, streamed.bytes == size { return streamed.hex }
            if let onTheSide { return try await onTheSide.value }
            return try FileDigest.sha256(path: file).hex
        }
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
