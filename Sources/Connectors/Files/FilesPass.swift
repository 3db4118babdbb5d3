import Columnar
import Delimited
import Foundation
import Inference
import JSON
import Parquet

/// Pass 2 of a files source: each object in key order, read again under the dataset's types
/// and conformed to its columns. Objects the spool did not keep are fetched again, ahead of
/// the reading. It follows a finished pass 1 (`KnownReadings`), or a running one under the
/// types of its first objects (`ScanState`: a speculation that a later object may end, and
/// then `retry` gives the pass under every object's types).
final class FilesPass: SourcePass {
    let schema: Schema
    private let plan: DatasetPlan
    private let feed: any ReadingFeed
    private let landing: any Landing
    private let spool: Spool?
    private let read: ReadOptions
    private let settings: FilesSettings
    private let events: SourceEvents
    /// The phase of the progress shown: `write`, or nil when pass 1's bar shows it.
    private let phase: String?
    /// When speculating: the pass under every object's types, after a miss.
    private let fallback: (() async throws -> FilesPass)?
    /// After the last object (at once for a finished pass 1): what the pass reports.
    private(set) var completion: FilesCompletion?

    private var prefetch: Prefetcher?
    private var cursor = 0
    private var current: (batches: any ObjectBatches, conformer: BatchConformer, reading: ObjectReading)?
    /// The next object, opened while this one is read: its reader's thread decompresses and
    /// parses its first blocks meanwhile, so the cores do not wait at every object's start
    /// (a few MB each, an object is only a block or two). Its error waits for its turn.
    private var upcoming: (index: Int, opened: Result<any ObjectBatches, Error>)?
    /// Objects up to this size (as stored: compressed or not) are opened ahead.
    static let openAheadBytes: Int64 = 2 << 20
    private var progress: FilesProgress?
    private var started = false
    private var ended = false

    init(plan: DatasetPlan, feed: any ReadingFeed, landing: any Landing, spool: Spool?, read: ReadOptions,
         settings: FilesSettings, events: SourceEvents, phase: String?, fallback: (() async throws -> FilesPass)? = nil) {
        schema = plan.schema
        self.plan = plan
        self.feed = feed
        self.landing = landing
        self.spool = spool
        self.read = read
        self.settings = settings
        self.events = events
        self.phase = phase
        self.fallback = fallback
        completion = feed.completionIfKnown
    }

    func next() throws -> RecordBatch? {
        if !started { start(settings) }
        while true {
            if let (batches, conformer, reading) = current {
                let batch: RecordBatch?
                do { batch = try batches.next() } catch { throw wrap(error, reading) }
                if let batch {
                    progress?.scanned(reading.index, bytes: batches.fileBytesRead, rows: Int64(batches.rowsOut))
                    do { return try conformer.conform(batch) } catch { throw wrap(error, reading) }
                }
                progress?.finished(reading.index)
                do { try read.rejects?.collect(reading) } catch { throw wrap(error, reading) }
                if feed.refetched.contains(reading.index) { prefetch?.release(reading.index, keep: false) }
                current = nil
            }
            guard let reading = try feed.reading(at: cursor) else {
                if completion == nil { completion = try feed.completion() }
                if !ended { ended = true; events.phaseEnded(phase ?? "load") }
                return nil
            }
            cursor += 1
            do {
                let batches: any ObjectBatches
                if let upcoming, upcoming.index == reading.index {
                    self.upcoming = nil
                    batches = try upcoming.opened.get()
                } else {
                    if let prefetch, feed.refetched.contains(reading.index) { _ = try prefetch.path(for: reading.index) }
                    batches = try open(reading, plan: plan, read: read)
                }
                current = (batches, try BatchConformer(plan: plan, batchSchema: batches.schema, object: reading.object, casts: reading.format == .parquet),
                           reading)
            } catch {
                throw wrap(error, reading)
            }
            openAhead()
        }
    }

    /// Opens the object after the current one when it is small and at hand (local, or kept
    /// by the spool). A large one starts in its turn: its own blocks keep the cores busy, and
    /// opened early its reader would fill a second set of blocks beside the current one's
    /// (50 NDJSON.gz objects of 20 MB: 199 MB peak RSS with every object opened ahead).
    /// One fetched again is opened after its download.
    private func openAhead() {
        guard let r = feed.readingIfFolded(at: cursor) else { return }
        guard r.object.size <= Self.openAheadBytes, prefetch == nil || !feed.refetched.contains(r.index) else { return }
        upcoming = (r.index, Result { try open(r, plan: plan, read: read) })
    }

    /// Fetching again what the spool could not keep starts with the first batch asked for.
    private func start(_ settings: FilesSettings) {
        started = true
        let known = completion?.readings ?? []
        if let phase { progress = FilesProgress(phase: phase, objects: known.map(\.object), events: events) }
        let refetch = known.filter { feed.refetched.contains($0.index) }
        if let spool, !refetch.isEmpty {
            prefetch = Prefetcher(landing: landing, objects: refetch.map { ($0.index, $0.object) }, spool: spool,
                                  concurrency: settings.concurrency, window: settings.concurrency) { _ in }
        }
    }

    private func open(_ r: ObjectReading, plan: DatasetPlan, read: ReadOptions) throws -> any ObjectBatches {
        switch r.format {
        case .csv:
            let reader = r.csvReader!
            let result = plan.csv.result(for: reader.header, declared: plan.csvDeclared.filter { reader.header.contains($0.key) })
            return CSVSource(reader: reader, result: result, badRows: read.csv.badRows, fileBytes: nil)
        case .json:
            return r.jsonReader!.batches(plan.json!)
        case .parquet:
            return try ParquetBatches(path: r.path)
        }
    }

    private func wrap(_ error: Error, _ r: ObjectReading) -> Error {
        FilesObjectError.wrap(error, url: r.object.url, path: !landing.isLocal ? r.path : nil)
    }

    /// Stops fetching (after the load, or when it failed).
    func finish() {
        prefetch?.cancel()
        prefetch = nil
        current = nil
        upcoming = nil
    }

    func retry(after error: Error) async throws -> (any SourcePass)? {
        guard let fallback, let reason = feed.speculationMissed else { return nil }
        finish()
        events.detail("\(SpeculationMissed(reason: reason))")
        return try await fallback()
    }

    func identity() async throws -> SourceIdentity {
        SourceIdentity(name: settings.urls.joined(separator: ", "), size: (completion?.readings ?? []).reduce(0) { $0 + $1.object.size }, sha256: "")
    }

    var state: JSONValue? { completion?.state }

    var report: SourceReport {
        let plan = completion?.plan ?? self.plan
        let readings = completion?.readings ?? []
        let warnings = completion?.warnings ?? []
        let csvReports = Dictionary(plan.csv.result(declared: plan.csvDeclared).report.columns.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let jsonReports = Dictionary((plan.json?.columns ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let columns = plan.schema.fields.map { f -> ColumnReport in
            if let r = csvReports[f.name], r.type == f.type.name { return r }
            if let r = jsonReports[f.name], r.type == f.type.name { return r }
            let why = plan.hive.contains { $0.field.name == f.name } ? "from the objects' folder names (hive_columns)"
                : f.name == plan.fileColumn ? "each row's object key (file_column)" : "the objects' common type"
            return ColumnReport(name: f.name, type: f.type.name, nullCount: 0, format: nil, reason: why)
        }
        let skipped = readings.reduce(0) { $0 + ($1.csvReader?.badRowsSkipped ?? 0) + ($1.jsonReader?.recordsSkipped ?? 0) }
        return SourceReport(columns: columns, warnings: warnings + (plan.json?.warnings ?? []), badRowsSkipped: skipped,
                            badRowsRejected: read.rejects?.count ?? 0)
    }
}

/// One object's batches under the dataset's types, before they are conformed.
protocol ObjectBatches: AnyObject {
    var schema: Schema { get }
    func next() throws -> RecordBatch?
    /// Bytes of the file read so far (nil when unknown), and rows handed out.
    var fileBytesRead: Int64? { get }
    var rowsOut: Int { get }
}

extension CSVSource: ObjectBatches {
    var fileBytesRead: Int64? { reader.bytesRead }
}

extension JSONBatches: ObjectBatches {
    var fileBytesRead: Int64? { bytesRead }
}

/// A Parquet object's row groups, one batch each.
final class ParquetBatches: ObjectBatches {
    private let reader: ParquetFileReader
    private var group = 0
    private(set) var rowsOut = 0

    init(path: String) throws { reader = try ParquetFileReader(path: path) }

    var schema: Schema { Schema(reader.schema.fields) }
    var fileBytesRead: Int64? { nil }

    func next() throws -> RecordBatch? {
        guard group < reader.rowGroupCount else { return nil }
        let batch = try reader.readRowGroup(group)
        group += 1
        rowsOut += batch.rowCount
        return try RecordBatch(schema: schema, columns: batch.columns)
    }
}
