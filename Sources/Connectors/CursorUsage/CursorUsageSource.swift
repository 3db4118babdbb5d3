import Delimited
import Foundation
import Inference

extension CursorUsageExport {
    /// A Cursor usage export as a source: its known columns typed by header name, then mapped
    /// onto the canonical schema (`CursorUsageTransform`).
    public static func source(path: String) -> CSVFileSource {
        CSVFileSource(path: path, csv: CSVOptions(), inference: InferenceOptions(),
                      overrides: { header in try schemaOverrides(header: header) }, transforms: [CursorUsageTransform()])
    }

    /// The newest `team-usage-events-*.csv` in `dir`, by modification time then name.
    public static func newestExport(in dir: String) throws -> String {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: dir) else {
            throw SourceError.noInput("no FILE given and --dir '\(dir)' cannot be read")
        }
        let candidates = names.filter { $0.hasPrefix("team-usage-events-") && $0.hasSuffix(".csv") }.map { dir + "/" + $0 }
        let dated = candidates.map { p in (p, (try? fm.attributesOfItem(atPath: p)[.modificationDate] as? Date) ?? .distantPast) }
        guard let newest = dated.max(by: { ($0.1, $0.0) < ($1.1, $1.0) }) else {
            throw SourceError.noInput("no team-usage-events-*.csv in '\(dir)' (pass FILE or --dir)")
        }
        return newest.0
    }
}
