import Columnar
import Foundation
import TestSupport
@testable import Parquet

func temporaryPath(_ name: String = "t") -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("inlet-pq-\(name)-\(UUID().uuidString).parquet").path
}

let allTypes: [DataType] = [
    .boolean, .int8, .int16, .int32, .int64, .float32, .float64,
    .decimal(precision: 5, scale: 2), .decimal(precision: 18, scale: 4), .decimal(precision: 38, scale: 10),
    .decimal(precision: 25, scale: 0), .date, .timestamp(unit: .millisecond, utc: false),
    .timestamp(unit: .microsecond, utc: true), .string, .binary, .time, .uuid, .json,
]

/// A random value of `type`, biased toward edge cases.
func randomValue(_ type: DataType, _ rng: inout SeededRandom) -> Value {
    let edge = Int.random(in: 0 ..< 10, using: &rng) == 0
    switch type {
    case .boolean: return .boolean(Bool.random(using: &rng))
    case .int8: return .int(edge ? [Int64(Int8.min), Int64(Int8.max)].randomElement(using: &rng)! : Int64(Int8.random(in: .min ... .max, using: &rng)))
    case .int16: return .int(Int64(Int16.random(in: .min ... .max, using: &rng)))
    case .int32: return .int(Int64(Int32.random(in: -1000 ... 1000, using: &rng)))
    case .int64: return .int(edge ? [Int64.min, Int64.max, 0].randomElement(using: &rng)! : Int64.random(in: .min ... .max, using: &rng))
    case .float32:
        if edge { return .float(Double([Float.nan, .infinity, -.infinity, -0.0, 0.0].randomElement(using: &rng)!)) }
        return .float(Double(Float.random(in: -1e6 ... 1e6, using: &rng)))
    case .float64:
        if edge { return .float([Double.nan, .infinity, -.infinity, -0.0, 0.0, .greatestFiniteMagnitude].randomElement(using: &rng)!) }
        return .float(Double.random(in: -1e9 ... 1e9, using: &rng))
    case let .decimal(p, _):
        let limit = Decimal128.powersOfTen[p] - 1
        if edge { return .decimal([limit, -limit, 0].randomElement(using: &rng)!) }
        let hi = Int128(Int64.random(in: .min ... .max, using: &rng)) << 64 | Int128(UInt64.random(in: 0 ... .max, using: &rng))
        return .decimal(hi % (limit + 1))
    case .date:
        return .date(edge ? [Int32(-719_162), Int32(106_751), Int32(2_932_896)].randomElement(using: &rng)! : Int32.random(in: -200_000 ... 200_000, using: &rng))
    case .timestamp:
        return .timestamp(edge ? [Int64.min, Int64.max, -1].randomElement(using: &rng)! : Int64.random(in: -10_000_000_000_000_000 ... 10_000_000_000_000_000, using: &rng))
    case .string:
        let pool = ["", "a", "héllo", "日本語テキスト", "😀👍", "zz", String(repeating: "x", count: 300), "NULL", "\u{0}"]
        return .string(edge ? pool.randomElement(using: &rng)! : "s\(Int.random(in: 0 ..< 50, using: &rng))")
    case .binary:
        return .binary((0 ..< Int.random(in: 0 ..< 12, using: &rng)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) })
    case .time:
        return .int(edge ? [0, 86_399_999_999].randomElement(using: &rng)! : Int64.random(in: 0 ..< 86_400_000_000, using: &rng))
    case .uuid:
        return .binary((0 ..< 16).map { _ in edge ? 255 : UInt8.random(in: 0 ... 255, using: &rng) })
    case .json:
        return .string(edge ? "{\"k\": [1, null, \"日本\"]}" : "{\"n\": \(Int.random(in: 0 ..< 50, using: &rng))}")
    case .list, .structure, .map:
        preconditionFailure("randomValue: flat types only")
    }
}

/// Values compare equal when boxed equal, treating NaN as equal to NaN and keeping -0.0 ≠ 0.0.
func sameValue(_ a: Value, _ b: Value) -> Bool {
    if case let .float(x) = a, case let .float(y) = b {
        return (x.isNaN && y.isNaN) || x.bitPattern == y.bitPattern
    }
    return a == b
}

func writeFile(_ batches: [RecordBatch], schema: Schema, options: ParquetWriteOptions = .init(), path: String? = nil) throws -> (String, ParquetWriteSummary) {
    let p = path ?? temporaryPath()
    let w = try ParquetFileWriter(path: p, schema: schema, options: options)
    for b in batches { try w.write(b) }
    return (p, try w.close())
}

func readAllRows(_ path: String) throws -> [[Value]] {
    let r = try ParquetFileReader(path: path)
    return try r.readAll().flatMap { b in (0 ..< b.rowCount).map { b.row($0) } }
}
