import Foundation
import Inference
import Lake

/// What a load did, for a person (text) or a machine (`--json`).
struct LoadOutcome: Encodable {
    let datasetId: String
    let file: String
    let inputBytes: Int64
    let seconds: Double
    let dryRun: Bool
    let result: LoadResult
    let report: InferenceReport
    let badRowsSkipped: Int
    let badRowsRejected: Int
    let store: String

    /// The JSON's fields (`Console.emitJSON` writes them in snake_case).
    enum CodingKeys: String, CodingKey {
        case datasetId, file, inputBytes, seconds, dryRun, rows, files
        case partitions, staleDeleted, columns, warnings, badRowsSkipped, badRowsRejected, store
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(datasetId, forKey: .datasetId)
        try c.encode(file, forKey: .file)
        try c.encode(inputBytes, forKey: .inputBytes)
        try c.encode((seconds * 1000).rounded() / 1000, forKey: .seconds)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(result.rowsWritten, forKey: .rows)
        try c.encode(result.files, forKey: .files)
        try c.encode(result.partitionsWritten, forKey: .partitions)
        try c.encode(result.staleDeleted, forKey: .staleDeleted)
        try c.encode(report.columns, forKey: .columns)
        try c.encode(report.warnings, forKey: .warnings)
        try c.encode(badRowsSkipped, forKey: .badRowsSkipped)
        try c.encode(badRowsRejected, forKey: .badRowsRejected)
        try c.encode(store, forKey: .store)
    }

    func print(_ console: Console) throws {
        if console.json { return try console.emitJSON(self) }
        let rate = seconds > 0 ? Double(inputBytes) / seconds : 0
        let verb = dryRun ? "dry run: would load" : "loaded"
        let bytes = result.files.reduce(Int64(0)) { $0 + $1.bytes }
        console.out("\(verb) \(Format.count(result.rowsWritten, "row")) into \(datasetId) (\(Format.count(result.files.count, "file")), \(Format.bytes(bytes)), \(Format.count(result.partitionsWritten.count, "partition"))) in \(Format.duration(seconds)), \(Format.bytes(Int64(rate)))/s")
        if badRowsSkipped > 0 { console.out("skipped \(Format.count(badRowsSkipped, "bad row"))") }
        if badRowsRejected > 0 { console.out("rejected \(Format.count(badRowsRejected, "bad row")) (see the rejects file)") }
        if result.staleDeleted > 0 { console.out("removed \(Format.count(result.staleDeleted, "replaced file"))") }
        // Every file with -v; by default only when the list is short.
        if console.verbose || (!console.quiet && result.files.count <= 8) {
            for f in result.files { console.out("  \(f.key)  \(Format.count(f.rows, "row"))  \(Format.bytes(f.bytes))") }
        }
        console.out("store: \(store)")
    }
}
