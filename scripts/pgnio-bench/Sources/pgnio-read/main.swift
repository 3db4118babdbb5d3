import Foundation
import Logging
import NIOCore
import PostgresNIO

// Streams `select * from <table>` (the bench table of scripts/bench_postgres.py) over N
// connections with postgres-nio's binary rows and decodes every cell into column buffers, as
// Inlet's reader does (ints, numeric(12,2) as an unscaled integer, text/uuid/jsonb bytes with
// offsets, timestamps and dates moved to the Unix epoch). Prints rows and rows/s.
// Usage: pgnio-read [connections] [table]; PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.

let env = ProcessInfo.processInfo.environment
let connections = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1 : 1
let table = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "bench"
var logger = Logger(label: "pgnio-bench")
logger.logLevel = .error

let config = PostgresConnection.Configuration(
    host: env["PGHOST"] ?? "127.0.0.1", port: Int(env["PGPORT"] ?? "5432") ?? 5432,
    username: env["PGUSER"] ?? "postgres", password: env["PGPASSWORD"], database: env["PGDATABASE"], tls: .disable)

/// Column buffers, emptied every 65,536 rows (Inlet's batch size).
struct Sink {
    var ints64: [[Int64]] = Array(repeating: [], count: 16)
    var bytes: [UInt8] = []
    var offsets: [Int32] = []
    var rows = 0
    var total = 0

    mutating func endRow() {
        rows += 1
        total += 1
        if rows == 65_536 {
            for i in ints64.indices { ints64[i].removeAll(keepingCapacity: true) }
            bytes.removeAll(keepingCapacity: true)
            offsets.removeAll(keepingCapacity: true)
            rows = 0
        }
    }
}

func decodeNumeric(_ b: ByteBuffer, scale: Int) -> Int64 {
    let r = b.readerIndex
    let n = Int(b.getInteger(at: r, as: Int16.self)!), weight = Int(b.getInteger(at: r + 2, as: Int16.self)!)
    let sign = b.getInteger(at: r + 4, as: UInt16.self)!
    var acc: Int64 = 0
    for i in 0 ..< n {
        let d = Int64(b.getInteger(at: r + 8 + 2 * i, as: Int16.self)!)
        let e = 4 * (weight - i) + scale
        if e >= 0 { var m = d; for _ in 0 ..< e { m *= 10 }; acc += m } else { var q = d; for _ in 0 ..< -e { q /= 10 }; acc += q }
    }
    return sign == 0x4000 ? -acc : acc
}

func closeConnection(_ c: PostgresConnection) async throws { try await c.close() }

func readPart(_ sql: String, id: Int) async throws -> Int {
    let conn = try await PostgresConnection.connect(configuration: config, id: id, logger: logger)
    var sink = Sink()
    let rows = try await conn.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    for try await row in rows {
        var c = 0
        for cell in row {
            defer { c += 1 }
            guard let b = cell.bytes else { continue }
            switch cell.dataType {
            case .int8: sink.ints64[c].append(b.getInteger(at: b.readerIndex, as: Int64.self)!)
            case .int4: sink.ints64[c].append(Int64(b.getInteger(at: b.readerIndex, as: Int32.self)!))
            case .bool: sink.ints64[c].append(Int64(b.getInteger(at: b.readerIndex, as: UInt8.self)!))
            case .date: sink.ints64[c].append(Int64(b.getInteger(at: b.readerIndex, as: Int32.self)!) + 10_957)
            case .timestamptz, .timestamp: sink.ints64[c].append(b.getInteger(at: b.readerIndex, as: Int64.self)! + 946_684_800_000_000)
            case .numeric: sink.ints64[c].append(decodeNumeric(b, scale: 2))
            case .jsonb:
                b.withUnsafeReadableBytes { sink.bytes.append(contentsOf: $0.dropFirst()) }
                sink.offsets.append(Int32(sink.bytes.count))
            default:
                b.withUnsafeReadableBytes { sink.bytes.append(contentsOf: $0) }
                sink.offsets.append(Int32(sink.bytes.count))
            }
        }
        sink.endRow()
    }
    try await conn.close()
    return sink.total
}

let start = Date()
var parts = ["select * from \(table)"]
if connections > 1 {
    let c = try await PostgresConnection.connect(configuration: config, id: 0, logger: logger)
    var pages = 0
    for try await (p) in try await c.query("select (pg_relation_size(\(table)::regclass) / current_setting('block_size')::int8)::int8", logger: logger).decode(Int64.self) {
        pages = Int(p)
    }
    try await closeConnection(c)
    let bounds = (0 ... connections).map { pages * $0 / connections }
    parts = (0 ..< connections).map { k in
        var conds: [String] = []
        if k > 0 { conds.append("ctid >= '(\(bounds[k]),0)'::tid") }
        if k < connections - 1 { conds.append("ctid < '(\(bounds[k + 1]),0)'::tid") }
        return "select * from \(table) where " + conds.joined(separator: " and ")
    }
}
let total = try await withThrowingTaskGroup(of: Int.self) { group in
    for (i, sql) in parts.enumerated() { group.addTask { try await readPart(sql, id: i + 1) } }
    var n = 0
    for try await k in group { n += k }
    return n
}
let secs = Date().timeIntervalSince(start)
print("postgres-nio \(connections) conn: \(total) rows in \(String(format: "%.2f", secs)) s = \(Int(Double(total) / secs)) rows/s")
