// Benchmarks, not tests: run by scripts/bench beside the Python peers, which reports ratios.
// Usage: inlet-bench parquet-write ROWS OUT.parquet | csv-read FILE.csv | json-read FILE.jsonl
import Foundation

let args = Array(CommandLine.arguments.dropFirst())
switch args.first {
case "parquet-write": try runParquetWriteBench(Array(args.dropFirst()))
case "csv-read": try runCSVReadBench(Array(args.dropFirst()))
case "json-read": try runJSONReadBench(Array(args.dropFirst()))
default:
    FileHandle.standardError.write(Data("usage: inlet-bench parquet-write ROWS OUT | csv-read FILE | json-read FILE\n".utf8))
    exit(2)
}
