import Delimited
import Foundation
import Inference
import Connectors

/// CSV bytes → typed batches, no Parquet: both passes of `CSVSource` (inference, then
/// conversion), as `inlet upload` runs them. Prints one JSON line with the times.
func runCSVReadBench(_ args: [String]) throws {
    guard let path = args.first else { throw BenchUsage("csv-read FILE") }
    let started = Date()
    let source = try CSVSource(path: path, csv: CSVOptions(), inference: InferenceOptions())
    let inferred = Date()
    var rows = 0, batches = 0
    while let b = try source.next() {
        rows += b.rowCount
        batches += 1
    }
    let done = Date()
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    let secs = done.timeIntervalSince(started)
    let mb = Double(source.reader.fileSize) / 1e6
    print("""
    {"bench": "csv-read", "impl": "inlet", "rows": \(rows), "batches": \(batches), "pass1_seconds": \(String(format: "%.3f", inferred.timeIntervalSince(started))), \
    "pass2_seconds": \(String(format: "%.3f", done.timeIntervalSince(inferred))), "seconds": \(String(format: "%.3f", secs)), \
    "mb_per_s": \(String(format: "%.1f", mb / secs)), "cpu_seconds": \(String(format: "%.3f", cpu)), "peak_rss_mb": \(usage.ru_maxrss / 1024)}
    """)
}

struct BenchUsage: Error, CustomStringConvertible {
    let usage: String
    init(_ usage: String) { self.usage = usage }
    var description: String { "usage: inlet-bench \(usage)" }
}
