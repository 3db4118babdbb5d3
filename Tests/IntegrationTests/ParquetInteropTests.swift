import Columnar
import Foundation
import TestSupport
import Parquet
import Testing

/// pyarrow, DuckDB and polars read what we write (values, logical types, statistics), and we
/// read what they write with their default settings.
@Suite(.enabled(if: TestEnvironment.python != nil || TestEnvironment.required))
struct ParquetInteropTests {
    static let types: [DataType] = [
        .boolean, .int8, .int16, .int32, .int64, .float32, .float64,
        .decimal(precision: 7, scale: 2), .decimal(precision: 18, scale: 3), .decimal(precision: 38, scale: 10),
        .date, .timestamp(unit: .millisecond, utc: false), .timestamp(unit: .microsecond, utc: true),
        .timestamp(unit: .microsecond, utc: false), .string, .binary, .time, .uuid, .json,
    ]

    /// The Arrow type pyarrow must report for each of our types.
    static func arrowName(_ t: DataType) -> String {
        switch t {
        case .boolean: return "bool"
        case .float32: return "float"
        case .float64: return "double"
        case let .decimal(p, s): return "decimal128(\(p), \(s))"
        case .date: return "date32[day]"
        case let .timestamp(unit, utc): return "timestamp[\(unit.rawValue)\(utc ? ", tz=UTC" : "")]"
        case .time: return "time64[us]"
        case .uuid: return "extension<arrow.uuid>"
        case .json: return "extension<arrow.json>"
        default: return t.name
        }
    }

    /// One canonical string per value, matching `canon` in the Python script below.
    static func canonical(_ v: Value, _ t: DataType) -> String? {
        func hex<T>(_ x: T) -> String { withUnsafeBytes(of: x) { $0.map { String(format: "%02x", $0) }.joined() } }
        switch v {
        case .null: return nil
        case let .boolean(b): return b ? "true" : "false"
        case let .int(i): return String(i)
        case let .float(d):
            if d.isNaN { return "nan" }
            return t == .float32 ? hex(Float(d).bitPattern.littleEndian) : hex(d.bitPattern.littleEndian)
        case let .decimal(d): return String(d)
        case let .date(d): return String(d)
        case let .timestamp(ts):
            if case .timestamp(.millisecond, _) = t { return String(ts * 1000) }
            return String(ts)
        case let .string(s): return s
        case let .binary(b): return b.map { String(format: "%02x", $0) }.joined()
        case .list, .structure, .map: return v.description
        }
    }

    static let pythonCanon = TestEnvironment.arrowCanonScript

    /// A peer's reading in our canonical spelling: DuckDB gives UUIDs as dashed text, polars
    /// reads JSON columns as binary (hex of the text).
    static func peerSpelling(_ v: String?, _ t: DataType) -> String? {
        guard let v else { return nil }
        switch t {
        case .uuid: return v.replacingOccurrences(of: "-", with: "").lowercased()
        case .json:
            guard v.count % 2 == 0, v.allSatisfy(\.isHexDigit), !v.isEmpty else { return v }
            var bytes: [UInt8] = []
            var i = v.startIndex
            while i < v.endIndex {
                let j = v.index(i, offsetBy: 2)
                bytes.append(UInt8(v[i ..< j], radix: 16)!)
                i = j
            }
            return String(decoding: bytes, as: UTF8.self)
        default: return v
        }
    }

    static func makeBatch(nullable: Bool, rows: Int, seed: UInt64) throws -> RecordBatch {
        var rng = SeededRandom(seed: seed)
        func next() -> UInt64 { rng.next() }
        func value(_ t: DataType, _ i: Int) -> Value {
            let r = next()
            let edge = r % 13 == 0
            switch t {
            case .boolean: return .boolean(r & 1 == 1)
            case .int8: return .int(edge ? Int64(Int8.min) : Int64(Int8(truncatingIfNeeded: r)))
            case .int16: return .int(edge ? Int64(Int16.max) : Int64(Int16(truncatingIfNeeded: r)))
            case .int32: return .int(Int64(Int32(truncatingIfNeeded: r) % 500))
            case .int64: return .int(edge ? (r & 2 == 0 ? Int64.min : Int64.max) : Int64(bitPattern: r))
            case .float32:
                if edge { return .float(Double([Float.nan, .infinity, -.infinity, -0.0][Int(r >> 8 % 4) % 4])) }
                return .float(Double(Float(Int64(r % 2_000_000) - 1_000_000) / 7))
            case .float64:
                if edge { return .float([Double.nan, .infinity, -.infinity, -0.0][Int((r >> 8) % 4)]) }
                return .float(Double(Int64(bitPattern: r) % 10_000_000) / 3)
            case let .decimal(p, _):
                let limit = Decimal128.powersOfTen[p] - 1
                if edge { return .decimal(r & 2 == 0 ? limit : -limit) }
                let big = Int128(Int64(bitPattern: r)) * Int128(Int64(bitPattern: next()))
                return .decimal(big % (limit + 1))
            case .date: return .date(edge ? -719_162 : Int32(Int64(r % 200_000) - 100_000))
            case let .timestamp(unit, _):
                let us = Int64(r % 20_000_000_000_000_000) - 3_000_000_000_000_000 // 1874 ... 2538
                return .timestamp(unit == .millisecond ? us / 1000 : us)
            case .string:
                let pool = ["", "héllo", "日本語", "😀", "a\"b,c\nd", "zz", "plain"]
                return .string(edge ? pool[Int(r >> 4) % pool.count] : "k\(r % 40)-\(i % 3)")
            case .binary:
                return .binary((0 ..< Int(r % 9)).map { UInt8(truncatingIfNeeded: r >> (8 * UInt64($0))) })
            case .time: return .int(edge ? 86_399_999_999 : Int64(r % 86_400_000_000))
            case .uuid: return .binary((0 ..< 16).map { UInt8(truncatingIfNeeded: (r &* UInt64($0 + 1)) >> 7) })
            case .json: return .string(edge ? "{\"k\": [1, null, \"日本\"]}" : "{\"n\": \(r % 40)}")
            case .list, .structure, .map:
                preconditionFailure("makeBatch: flat types only")
            }
        }
        var fields: [Field] = []
        var columns: [Column] = []
        for t in types {
            fields.append(Field("c_\(t.name)", t, nullable: nullable))
            columns.append(try Column(type: t, values: (0 ..< rows).map { i in
                nullable && next() % 10 == 0 ? .null : value(t, i)
            }))
        }
        if nullable {
            fields.append(Field("all_null", .int64, nullable: true))
            columns.append(try Column(type: .int64, values: Array(repeating: .null, count: rows)))
        }
        return try RecordBatch(schema: Schema(fields, metadata: ["inlet.source": "interop"]), columns: columns)
    }

    @Test(arguments: ParquetCompression.allCases)
    func peersReadOurFiles(codec: ParquetCompression) throws {
        let dir = try TestEnvironment.temporaryDirectory("pq-interop")
        defer { try? FileManager.default.removeItem(at: dir) }
        for nullable in [false, true] {
            let batch = try Self.makeBatch(nullable: nullable, rows: 2500, seed: nullable ? 7 : 3)
            let path = dir.appendingPathComponent("ours-\(codec)-\(nullable).parquet").path
            var options = ParquetWriteOptions()
            options.compression = codec
            options.rowGroupMaxRows = 1000
            options.pageMaxBytes = 4096
            options.dictionaryMaxBytes = 1024
            let writer = try ParquetFileWriter(path: path, schema: batch.schema, options: options)
            try writer.write(batch)
            _ = try writer.close()

            let script = Self.pythonCanon + "\n" + #"""
import duckdb, polars as pl
path = sys.argv[1]
f = pq.ParquetFile(path)
out = {"pyarrow": dump(pq.read_table(path)),
       "duckdb": dump(duckdb.sql(f"select * from read_parquet('{path}')").fetch_arrow_table()),
       "polars": dump(pl.read_parquet(path).to_arrow()),
       "duckdb_types": [r[1] for r in duckdb.sql(f"describe select * from read_parquet('{path}')").fetchall()],
       "polars_types": [str(t) for t in pl.read_parquet_schema(path).values()],
       "created_by": f.metadata.created_by,
       "kv": {k.decode(): v.decode() for k, v in (f.metadata.metadata or {}).items()}}
# Statistics: pyarrow's view of every chunk must match the chunk's data.
problems = []
table = pq.read_table(path)
offset = 0
for g in range(f.metadata.num_row_groups):
    rg = f.metadata.row_group(g)
    for c in range(rg.num_columns):
        if isinstance(table.schema.field(c).type, pa.BaseExtensionType): continue  # uuid, json: bytes vs objects
        st = rg.column(c).statistics
        vals = table.column(c).slice(offset, rg.num_rows).to_pylist()
        nn = [v for v in vals if v is not None and not (isinstance(v, float) and math.isnan(v))]
        if st is None: problems.append(f"rg{g} c{c} no stats"); continue
        if st.null_count != sum(v is None for v in vals): problems.append(f"rg{g} c{c} null_count {st.null_count}")
        if nn:
            if not st.has_min_max or st.min != min(nn) or st.max != max(nn):
                problems.append(f"rg{g} c{c} {table.schema.names[c]} min/max {st.min if st.has_min_max else None}/{st.max if st.has_min_max else None} vs {min(nn)}/{max(nn)}")
        elif st.has_min_max:
            problems.append(f"rg{g} c{c} has min/max without values")
    offset += rg.num_rows
out["stats_problems"] = problems
print(json.dumps(out))
"""#
            let json = try runPython(script, [path])
            let obj = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
            let expected: [[String?]] = batch.columns.enumerated().map { j, c in
                (0 ..< c.count).map { Self.canonical(c.value(at: $0), batch.schema.fields[j].type) }
            }
            for peer in ["pyarrow", "duckdb", "polars"] {
                let d = obj[peer] as! [String: Any]
                let cols = (d["columns"] as! [[Any]]).map { $0.map { $0 as? String } }
                #expect(d["names"] as? [String] == batch.schema.fields.map(\.name), "\(peer)")
                for (j, f) in batch.schema.fields.enumerated() {
                    let same = cols[j].map { Self.peerSpelling($0, f.type) } == expected[j]
                    #expect(same, "\(peer) \(codec) nullable=\(nullable) column \(f.name): first difference at \(zip(cols[j], expected[j]).enumerated().first { $0.element.0 != $0.element.1 }.map { "\($0.offset): \(String(describing: $0.element.0)) vs \(String(describing: $0.element.1))" } ?? "length")")
                }
            }
            let pyTypes = (obj["pyarrow"] as! [String: Any])["types"] as! [String]
            #expect(Array(pyTypes.prefix(Self.types.count)) == Self.types.map(Self.arrowName))
            let duckTypes = obj["duckdb_types"] as! [String], polarsTypes = obj["polars_types"] as! [String]
            for (j, t) in Self.types.enumerated() {
                if case let .timestamp(_, utc) = t {
                    #expect(duckTypes[j].contains("WITH TIME ZONE") == utc, "duckdb \(duckTypes[j]) for \(t.name)")
                    #expect(polarsTypes[j].contains("UTC") == utc, "polars \(polarsTypes[j]) for \(t.name)")
                }
                let duckExpected: [DataType: String] = [.time: "TIME", .uuid: "UUID", .json: "JSON"]
                if let want = duckExpected[t] { #expect(duckTypes[j] == want, "duckdb \(duckTypes[j]) for \(t.name)") }
                if t == .time { #expect(polarsTypes[j] == "Time", "polars \(polarsTypes[j]) for time") }
            }
            #expect(obj["created_by"] as? String == options.createdBy)
            #expect((obj["kv"] as? [String: String])?["inlet.source"] == "interop")
            #expect(obj["stats_problems"] as? [String] == [], "\(obj["stats_problems"] ?? "")")
        }
    }

    /// Files written by each peer with default settings (plus pyarrow's data page v2 and DELTA encodings).
    @Test func weReadPeerFiles() throws {
        let dir = try TestEnvironment.temporaryDirectory("pq-peers")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = Self.pythonCanon + "\n" + #"""
import datetime, decimal, duckdb, os, polars as pl
d = sys.argv[1]
n = 3000
def col(f):
    return [None if i % 11 == 0 else f(i) for i in range(n)]
table = pa.table({
    "b": pa.array(col(lambda i: i % 3 == 0), pa.bool_()),
    "i8": pa.array(col(lambda i: i % 200 - 100), pa.int8()),
    "i16": pa.array(col(lambda i: i * 7 - 9000), pa.int16()),
    "i32": pa.array(col(lambda i: i * 1000003 % 2**31), pa.int32()),
    "i64": pa.array(col(lambda i: (i * 2654435761) ** 2 % 2**63 - 2**62), pa.int64()),
    "f32": pa.array(col(lambda i: i / 7.0), pa.float32()),
    "f64": pa.array(col(lambda i: float("nan") if i == 5 else i * 1.1), pa.float64()),
    "dec": pa.array(col(lambda i: decimal.Decimal(i * 12345 - 7).scaleb(-2)), pa.decimal128(12, 2)),
    "dec38": pa.array(col(lambda i: decimal.Decimal(10**37 + i).scaleb(-5)), pa.decimal128(38, 5)),
    "date": pa.array(col(lambda i: datetime.date(1900, 1, 1) + datetime.timedelta(days=i * 50)), pa.date32()),
    "ts": pa.array(col(lambda i: i * 1000003 * 1000), pa.timestamp("us")),
    "tsz": pa.array(col(lambda i: i * 999983 * 1000), pa.timestamp("us", tz="UTC")),
    "s": pa.array(col(lambda i: f"str{i % 50}é"), pa.string()),
    "hs": pa.array(col(lambda i: f"unique-{i * 7919}"), pa.string()),
    "bin": pa.array(col(lambda i: bytes([i % 256, 7])), pa.binary()),
})
files = {}
p = os.path.join(d, "pyarrow.parquet"); pq.write_table(table, p); files["pyarrow"] = p
p = os.path.join(d, "pyarrow_v2.parquet")
pq.write_table(table, p, data_page_version="2.0", compression="zstd", use_dictionary=["s"],
               column_encoding={"i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED", "hs": "DELTA_BYTE_ARRAY",
                                "bin": "DELTA_LENGTH_BYTE_ARRAY", "f64": "BYTE_STREAM_SPLIT"})
files["pyarrow_v2"] = p
p = os.path.join(d, "duckdb.parquet"); con = duckdb.connect(); con.register("t", table)
con.execute(f"copy t to '{p}' (format parquet)"); files["duckdb"] = p
p = os.path.join(d, "polars.parquet"); pl.from_arrow(table).write_parquet(p); files["polars"] = p
print(json.dumps({k: dump(pq.read_table(v)) | {"path": v} for k, v in files.items()}))
"""#
        let json = try runPython(script, [dir.path])
        let obj = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: [String: Any]]
        #expect(obj.count == 4)
        for (peer, d) in obj {
            let reader = try ParquetFileReader(path: d["path"] as! String)
            let batches = try reader.readAll()
            let names = d["names"] as! [String]
            let cols = (d["columns"] as! [[Any]]).map { $0.map { $0 as? String } }
            #expect(reader.schema.fields.map(\.name) == names, "\(peer)")
            for (j, f) in reader.schema.fields.enumerated() {
                let ours = batches.flatMap { b in (0 ..< b.rowCount).map { Self.canonical(b.columns[j].value(at: $0), f.type) } }
                #expect(ours == cols[j], "\(peer) column \(f.name) (\(f.type.name)): first difference at \(zip(ours, cols[j]).enumerated().first { $0.element.0 != $0.element.1 }.map { "\($0.offset): \(String(describing: $0.element.0)) vs \(String(describing: $0.element.1))" } ?? "length \(ours.count) vs \(cols[j].count)")")
            }
        }
    }

    /// The flat parquet-testing files decode to the same values pyarrow sees.
    @Test func parquetTestingMatchesPyarrow() throws {
        let data = Fixtures.parquetData
        let files = ["alltypes_plain.parquet", "alltypes_dictionary.parquet", "alltypes_tiny_pages_plain.parquet",
                     "binary.parquet", "byte_array_decimal.parquet", "byte_stream_split.zstd.parquet",
                     "concatenated_gzip_members.parquet", "datapage_v1-snappy-compressed-checksum.parquet",
                     "datapage_v2_empty_datapage.snappy.parquet", "delta_binary_packed.parquet", "delta_byte_array.parquet",
                     "delta_encoding_optional_column.parquet", "delta_encoding_required_column.parquet",
                     "delta_length_byte_array.parquet", "dict-page-offset-zero.parquet", "fixed_length_byte_array.parquet",
                     "fixed_length_decimal.parquet", "fixed_length_decimal_legacy.parquet", "int32_decimal.parquet",
                     "int32_with_null_pages.parquet", "int64_decimal.parquet", "nan_in_stats.parquet",
                     "page_v2_empty_compressed.parquet", "plain-dict-uncompressed-checksum.parquet",
                     "rle-dict-snappy-checksum.parquet", "rle_boolean_encoding.parquet", "single_nan.parquet",
                     "sort_columns.parquet", "overflow_i16_page_cnt.parquet", "float16_nonzeros_and_nans.parquet"]
        let script = Self.pythonCanon + "\n" + #"""
out = {}
for p in sys.argv[1:]:
    t = pq.read_table(p)
    # Columns pyarrow reads as types we widen: skip the comparison for those (checked by our unit tests).
    out[p] = dump(t)
print(json.dumps(out))
"""#
        let paths = files.map { data.appendingPathComponent($0).path }
        let obj = try JSONSerialization.jsonObject(with: Data(try runPython(script, paths).utf8)) as! [String: [String: Any]]
        for p in paths {
            let d = obj[p]!
            let types = d["types"] as! [String]
            let cols = (d["columns"] as! [[Any]]).map { $0.map { $0 as? String } }
            let reader = try ParquetFileReader(path: p)
            let batches = try reader.readAll()
            for (j, f) in reader.schema.fields.enumerated() {
                // pyarrow reads INT96 as ns, FLOAT16 as halffloat and UINT64 as uint64; our canonical forms differ there.
                if types[j] == "halffloat" || types[j].hasPrefix("timestamp[ns") { continue }
                var ours = batches.flatMap { b in (0 ..< b.rowCount).map { Self.canonical(b.columns[j].value(at: $0), f.type) } }
                if types[j] == "fixed_size_binary" || types[j].hasPrefix("fixed_size_binary") { ours = ours.map { $0 } }
                #expect(ours == cols[j], "\(p) column \(f.name) \(types[j]) vs \(f.type.name)")
            }
        }
    }
}
