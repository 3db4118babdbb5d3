import Connectors
import Foundation
import Inference
import Lake
import ObjectStore
import Pipelines

/// One load from the command line (`upload`, `cursor-usage`): run the job with progress on
/// the console, then print what it did.
enum SingleLoad {
    static func run(_ job: LoadJob, store: any ObjectStore, console: Console) async throws {
        let display = ConsoleEvents(console: console)
        defer { display.finish() }
        let outcome = try await job.run(store: store, events: display.events)
        display.finish()
        for w in outcome.report.warnings { console.warning(w) }
        try LoadOutcome(outcome, dryRun: job.options.dryRun, store: store.displayName).print(console)
    }
}

/// What a load did, for a person (text) or a machine (`--json`).
struct LoadOutcome: Encodable {
    let outcome: JobOutcome
    let dryRun: Bool
    let store: String

    init(_ outcome: JobOutcome, dryRun: Bool, store: String) {
        self.outcome = outcome
        self.dryRun = dryRun
        self.store = store
    }

    var result: LoadResult? { outcome.result }

    /// The JSON's fields (`Console.emitJSON` writes them in snake_case).
    enum CodingKeys: String, CodingKey {
        case datasetId, file, inputBytes, seconds, dryRun, rows, files
        case partitions, staleDeleted, columns, warnings, badRowsSkipped, badRowsRejected, store, state, unchanged, merge
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(outcome.dataset.rawValue, forKey: .datasetId)
        try c.encode(outcome.identity?.name ?? outcome.source, forKey: .file)
        try c.encode(outcome.identity?.size ?? 0, forKey: .inputBytes)
        try c.encode((outcome.seconds * 1000).rounded() / 1000, forKey: .seconds)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(result?.rowsWritten ?? 0, forKey: .rows)
        try c.encode(result?.files ?? [], forKey: .files)
        try c.encode(result?.partitionsWritten ?? [], forKey: .partitions)
        try c.encode(result?.staleDeleted ?? 0, forKey: .staleDeleted)
        try c.encode(outcome.report.columns, forKey: .columns)
        try c.encode(outcome.report.warnings, forKey: .warnings)
        try c.encode(outcome.report.badRowsSkipped, forKey: .badRowsSkipped)
        try c.encode(outcome.report.badRowsRejected, forKey: .badRowsRejected)
        try c.encode(store, forKey: .store)
        try c.encodeIfPresent(outcome.stateAfter, forKey: .state)
        try c.encodeIfPresent(outcome.unchanged, forKey: .unchanged)
        try c.encodeIfPresent(result?.merge.map(MergeReport.init), forKey: .merge)
    }

    func print(_ console: Console) throws {
        if console.json { return try console.emitJSON(self) }
        if let plan = outcome.plan {
            for line in plan.lines { console.out(line) }
            return console.out("store: \(store)")
        }
        if let unchanged = outcome.unchanged {
            console.out("\(outcome.dataset): \(unchanged); nothing published")
            return console.out("store: \(store)")
        }
        guard let result else { return }
        let inputBytes = outcome.identity?.size ?? 0
        let rate = outcome.seconds > 0 ? Double(inputBytes) / outcome.seconds : 0
        let verb = dryRun ? "dry run: would load" : "loaded"
        let bytes = result.files.reduce(Int64(0)) { $0 + $1.bytes }
        console.out("\(verb) \(Format.count(result.rowsWritten, "row")) into \(outcome.dataset) (\(Format.count(result.files.count, "file")), \(Format.bytes(bytes)), \(Format.count(result.partitionsWritten.count, "partition"))) in \(Format.duration(outcome.seconds)), \(Format.bytes(Int64(rate)))/s")
        let report = outcome.report
        if report.badRowsSkipped > 0 { console.out("skipped \(Format.count(report.badRowsSkipped, "bad row"))") }
        if report.badRowsRejected > 0 { console.out("rejected \(Format.count(report.badRowsRejected, "bad row")) (see the rejects file)") }
        if let m = result.merge {
            console.out("merge: \(Format.count(m.rowsUpdated, "row")) updated, \(m.rowsInserted) inserted; \(m.replaced.count) of \(Format.count(m.filesTotal, "file")) rewritten (\(m.replaced.count - m.rewritten.count) emptied and removed), \(m.filesExamined) examined; read \(Format.bytes(m.bytesRead)), rewrote \(Format.bytes(m.bytesWritten))")
        }
        if result.staleDeleted > 0 { console.out("removed \(Format.count(result.staleDeleted, "replaced file"))") }
        // Every file with -v; by default only when the list is short.
        if console.verbose || (!console.quiet && result.files.count <= 8) {
            for f in result.files { console.out("  \(f.key)  \(Format.count(f.rows, "row"))  \(Format.bytes(f.bytes))") }
        }
        console.out("store: \(store)")
    }
}

/// A merge's counts in `--json` (`"merge": {"rows_updated": …}`).
struct MergeReport: Encodable {
    let rowsUpdated: Int, rowsInserted: Int, duplicatesDropped: Int64
    let filesTotal: Int, filesExamined: Int, filesRewritten: Int, filesRemoved: Int
    let bytesRead: Int64, bytesWritten: Int64

    init(_ m: MergeOutcome) {
        rowsUpdated = m.rowsUpdated; rowsInserted = m.rowsInserted; duplicatesDropped = m.duplicates
        filesTotal = m.filesTotal; filesExamined = m.filesExamined; filesRewritten = m.rewritten.count
        filesRemoved = m.replaced.count - m.rewritten.count; bytesRead = m.bytesRead; bytesWritten = m.bytesWritten
    }
}
