import Columnar
import Connectors
import Foundation

// Inlet's own reader over the same table: PostgresSource (protocol 3.0, binary COPY decoded
// into column builders, N connections over one exported snapshot), its batches drained and
// dropped: no Parquet, no lake. Prints rows and rows/s.
// Usage: inlet-read [connections] [table]; PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.

let connections = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1 : 1
var options = PostgresOptions()
options.table = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "public.bench"
options.parallel = connections
let source = PostgresSource(options: options, environment: ProcessInfo.processInfo.environment)
let start = Date()
let pass = try await source.open(state: nil, events: .none)
var total = 0
while let batch = try pass.next() { total += batch.rowCount }
source.close()
let secs = Date().timeIntervalSince(start)
print("inlet reader \(connections) conn: \(total) rows in \(String(format: "%.2f", secs)) s = \(Int(Double(total) / secs)) rows/s")
