import Foundation
import JSON

/// JSON bytes → typed batches, no Parquet: both passes of `JSONReader` (inference, then
/// conversion), as `inlet upload` runs them. Prints one JSON line with the times.
func runJSONReadBench(_ args: [String]) throws {
    guard let path = args.first else { throw BenchUsage("json-read FILE") }
    let started = Date()
    let reader = try JSONReader(path: path)
    let decision = try reader.infer()
    let inferred = Date()
    let batches = reader.batches(decision)
    var rows = 0, count = 0
    while let b = try batches.next() {
        rows += b.rowCount
        count += 1
    }
    let done = Date()
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    let secs = done.timeIntervalSince(started)
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
    print("""
    {"bench": "json-read", "impl": "inlet", "rows": \(rows), "batches": \(count), "pass1_seconds": \(String(format: "%.3f", inferred.timeIntervalSince(started))), \
    "pass2_seconds": \(String(format: "%.3f", done.timeIntervalSince(inferred))), "seconds": \(String(format: "%.3f", secs)), \
    "mb_per_s": \(String(format: "%.1f", Double(size) / 1e6 / secs)), "cpu_seconds": \(String(format: "%.3f", cpu)), "peak_rss_mb": \(usage.ru_maxrss / 1024)}
    """)
}
