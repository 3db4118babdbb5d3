import Columnar
import Foundation
import Parquet

/// `inlet-bench parquet-write ROWS OUT.parquet [codec] [--read-back]`: encodes one deterministic mixed batch
/// (the same data scripts/bench_parquet_peer.py builds for pyarrow) and prints JSON-ish lines.
///
/// Columns: id int64 (sequential), qty int32 (1000 distinct), price float64, category string
/// (50 distinct), user string (high cardinality), ts timestamp[us, UTC]. Row i is null in every
/// column but id when (i * 48271) % 100 < 5, i.e. 5% nulls.
func runParquetWriteBench(_ args: [String]) throws {
    let rows = args.first.flatMap { Int($0) } ?? 10_000_000
    let out = args.count > 1 ? args[1] : "/tmp/inlet-bench.parquet"
    let codec = args.count > 2 ? ParquetCompression(rawValue: args[2]) ?? .snappy : .snappy
    let readBack = args.contains("--read-back")
    let t0 = Date()
    let batch = makeBenchBatch(rows: rows)
    let buildSeconds = Date().timeIntervalSince(t0)

    var options = ParquetWriteOptions()
    options.compression = codec
    let t1 = Date()
    let c1 = cpuSeconds()
    let writer = try ParquetFileWriter(path: out, schema: batch.schema, options: options)
    try writer.write(batch)
    let summary = try writer.close()
    let seconds = Date().timeIntervalSince(t1)
    let cpu = cpuSeconds() - c1
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    print("{\"bench\": \"parquet-write\", \"impl\": \"inlet\", \"rows\": \(rows), \"codec\": \"\(codec.rawValue)\", \"build_seconds\": \(String(format: "%.3f", buildSeconds))}")
    print("{\"bench\": \"parquet-write\", \"impl\": \"inlet\", \"seconds\": \(String(format: "%.3f", seconds)), \"cpu_seconds\": \(String(format: "%.3f", cpu)), \"bytes\": \(summary.fileBytes), \"row_groups\": \(summary.rowGroups), \"peak_rss_mb\": \(usage.ru_maxrss / 1024)}")
    if readBack {
        let t2 = Date(), c2 = cpuSeconds()
        let reader = try ParquetFileReader(path: out)
        var rowsRead = 0
        for g in 0 ..< reader.rowGroupCount { rowsRead += try reader.readRowGroup(g).rowCount }
        print("{\"bench\": \"parquet-read\", \"impl\": \"inlet\", \"rows\": \(rowsRead), \"seconds\": \(String(format: "%.3f", Date().timeIntervalSince(t2))), \"cpu_seconds\": \(String(format: "%.3f", cpuSeconds() - c2))}")
    }
}

/// User + system CPU time of this process (the machine is shared, so wall time alone misleads).
private func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Appends the decimal digits of a non-negative integer without allocating a String.
@inline(__always)
private func appendDigits(_ v: Int, _ out: inout [UInt8]) {
    if v == 0 { out.append(UInt8(ascii: "0")); return }
    var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var n = 0, x = v
    withUnsafeMutableBytes(of: &tmp) { buf in
        while x > 0 { buf[n] = UInt8(ascii: "0") + UInt8(x % 10); x /= 10; n += 1 }
        for k in stride(from: n - 1, through: 0, by: -1) { out.append(buf[k]) }
    }
}

func makeBenchBatch(rows n: Int) -> RecordBatch {
    var ids = [Int64](repeating: 0, count: n)
    var qty = [Int32](repeating: 0, count: n)
    var price = [Double](repeating: 0, count: n)
    var ts = [Int64](repeating: 0, count: n)
    var valid = ValidityBitmap()
    valid.reserveCapacity(n)
    var catOffsets = [Int](), catData = [UInt8](), userOffsets = [Int](), userData = [UInt8]()
    catOffsets.reserveCapacity(n + 1); userOffsets.reserveCapacity(n + 1)
    catOffsets.append(0); userOffsets.append(0)
    catData.reserveCapacity(n * 6); userData.reserveCapacity(n * 14)
    let cat = Array("cat_".utf8), user = Array("user_".utf8)
    for i in 0 ..< n {
        ids[i] = Int64(i)
        let isValid = (i * 48271) % 100 >= 5
        valid.append(isValid)
        if isValid {
            qty[i] = Int32((i * 7919) % 1000)
            price[i] = Double((i * 2_654_435_761) % 1_000_000) / 100.0
            ts[i] = 1_600_000_000_000_000 + Int64(i) * 1_000_003
            catData.append(contentsOf: cat); appendDigits((i * 31) % 50, &catData)
            userData.append(contentsOf: user); appendDigits((i * 2_654_435_761) % 1_000_000_007, &userData)
        }
        catOffsets.append(catData.count)
        userOffsets.append(userData.count)
    }
    let schema = Schema([
        Field("id", .int64, nullable: false),
        Field("qty", .int32),
        Field("price", .float64),
        Field("category", .string),
        Field("user", .string),
        Field("ts", .timestamp(unit: .microsecond, utc: true)),
    ])
    // swiftlint:disable force_try
    let cols = [
        try! Column(type: .int64, storage: .int64(ids)),
        try! Column(type: .int32, storage: .int32(qty), validity: valid),
        try! Column(type: .float64, storage: .float64(price), validity: valid),
        try! Column(type: .string, storage: .bytes(ByteArrays(offsets: catOffsets, data: catData)), validity: valid),
        try! Column(type: .string, storage: .bytes(ByteArrays(offsets: userOffsets, data: userData)), validity: valid),
        try! Column(type: .timestamp(unit: .microsecond, utc: true), storage: .int64(ts), validity: valid),
    ]
    return try! RecordBatch(schema: schema, columns: cols)
    // swiftlint:enable force_try
}
