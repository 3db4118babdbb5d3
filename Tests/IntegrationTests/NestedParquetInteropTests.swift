import Columnar
import Foundation
import TestSupport
import Parquet
import Testing

/// Nested columns both ways: we read the nested parquet-testing files as pyarrow does, and
/// pyarrow, DuckDB and polars read every nested shape we write as we wrote it.
@Suite(.enabled(if: TestEnvironment.python != nil || TestEnvironment.required))
struct NestedParquetInteropTests {
    /// A value as JSON: scalars as `ParquetInteropTests.canonical` spells them, lists as arrays,
    /// structs as arrays of their fields in order, maps as arrays of [key, value]; the Python
    /// `canon` in Support/arrow_canon.py builds the same from Arrow arrays.
    static func canon(_ v: Value, _ t: DataType) -> Any {
        switch (v, t) {
        case (.null, _): return NSNull()
        case let (.list(items), .list(e)): return items.map { canon($0, e.type) }
        case let (.structure(values), .structure(fields)): return zip(values, fields).map { canon($0, $1.type) }
        case let (.map(entries), .map(k, value)): return entries.map { [canon($0.key, k), canon($0.value, value.type)] }
        default: return ParquetInteropTests.canonical(v, t) ?? NSNull()
        }
    }

    static func json(_ x: Any) -> String {
        // swiftlint:disable:next force_try
        String(decoding: try! JSONSerialization.data(withJSONObject: x, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
    }

    /// `Support/arrow_canon.py`, shared with ParquetInteropTests; scripts append their own lines.
    static let pythonCanon = TestEnvironment.arrowCanonScript

    /// Compares a peer's columns (JSON from `dump`) with ours, row by row.
    static func expectSame(_ peer: [String: Any], names: [String], types: [DataType], rows: [[Value]], _ what: String) {
        #expect(peer["names"] as? [String] == names, "\(what) names")
        let cols = peer["columns"] as? [[Any]] ?? []
        guard cols.count == types.count else { Issue.record("\(what): \(cols.count) columns, expected \(types.count)"); return }
        for (j, t) in types.enumerated() {
            let theirs = cols[j].map(json), ours = rows.map { json(canon($0[j], t)) }
            let first = zip(theirs, ours).enumerated().first { $0.element.0 != $0.element.1 }
            #expect(theirs == ours, "\(what) column \(names[j]) (\(t.name)): first difference \(first.map { "row \($0.offset): \($0.element.0) vs ours \($0.element.1)" } ?? "in length \(theirs.count) vs \(ours.count)")")
        }
    }

    static let parquetTestingFiles = [
        "nested_lists.snappy.parquet", "nested_maps.snappy.parquet", "nested_structs.rust.parquet",
        "repeated_no_annotation.parquet", "list_columns.parquet", "null_list.parquet", "old_list_structure.parquet",
        "repeated_primitive_no_list.parquet",
    ]

    @Test func nestedParquetTestingFilesMatchPyarrow() throws {
        let paths = Self.parquetTestingFiles.map { Fixtures.parquetData.appendingPathComponent($0).path }
        let script = Self.pythonCanon + "\n" + #"""
print(json.dumps({p: dump(pq.read_table(p)) for p in sys.argv[1:]}))
"""#
        let obj = try JSONSerialization.jsonObject(with: Data(try runPython(script, paths).utf8)) as! [String: [String: Any]]
        for p in paths {
            let reader = try ParquetFileReader(path: p)
            let rows = try reader.readAll().flatMap { b in (0 ..< b.rowCount).map { b.row($0) } }
            Self.expectSame(obj[p]!, names: reader.schema.fields.map(\.name), types: reader.schema.fields.map(\.type), rows: rows,
                            URL(fileURLWithPath: p).lastPathComponent)
        }
    }

    /// Every shape in one file: empty, null and all-null lists, structs whose fields are all
    /// null, maps with null values, lists of structs of maps of lists (three levels deep).
    static let schema = Schema([
        Field("id", .int64, nullable: false),
        Field("tags", .list(of: .string)),
        Field("scores", .list(Field("element", .int32, nullable: false)), nullable: false),
        Field("address", .structure([Field("city", .string), Field("zip", .int16),
                                     Field("geo", .structure([Field("lat", .float64), Field("lon", .float64)]))])),
        Field("attrs", .map(.string, .int64)),
        Field("orders", .list(of: .structure([
            Field("sku", .string, nullable: false),
            Field("lines", .map(.int32, .list(of: .decimal(precision: 18, scale: 4)))),
        ]))),
        Field("flags", .list(of: .boolean)),
        Field("when", .structure([Field("day", .date), Field("at", .timestamp(unit: .microsecond, utc: true)),
                                  Field("big", .decimal(precision: 30, scale: 2)), Field("tiny", .int8),
                                  Field("blob", .binary), Field("f", .float32)]), nullable: false),
    ])

    /// Row `i` of the shapes file: the first rows are the edge cases, then a cycle of variants.
    static func row(_ i: Int) -> [Value] {
        let n = i % 17
        func maybe(_ v: Value, every k: Int) -> Value { i % k == 0 ? .null : v }
        let tags: Value = [.null, .list([]), .list([.null, .null]), .list([.string("é"), .null, .string("t\(n)")])][i % 4]
        let scores: Value = .list((0 ..< (i % 5)).map { .int(Int64($0 * 1000 - i)) })
        let address: Value = [.null, .structure([.null, .null, .null]), .structure([.string("c\(n)"), .int(Int64(n) - 8), .structure([.null, .null])]),
                              .structure([.string("x"), .null, .structure([.float(Double(i) / 4), .float(-0.5)])])][(i / 2) % 4]
        let attrs: Value = [.null, .map([]), .map([MapEntry(.string("k"), .null)]),
                            .map([MapEntry(.string("a\(n)"), .int(Int64(i))), MapEntry(.string("b"), .null)])][(i / 3) % 4]
        let line: Value = [.null, .list([]), .list([.null, .decimal(Int128(i) * 12345)])][i % 3]
        let orders: Value = [.null, .list([]), .list([.null]),
                             .list([.structure([.string("s\(n)"), .null]), .structure([.string("u"), .map([])]),
                                    .structure([.string("v"), .map([MapEntry(.int(Int64(n)), line), MapEntry(.int(-1), .null)])])])][(i / 5) % 4]
        let flags: Value = .list((0 ..< (i % 4)).map { $0 == 1 ? .null : .boolean(($0 + i) % 2 == 0) })
        let when: Value = .structure([maybe(.date(Int32(i * 37 - 20000)), every: 6), maybe(.timestamp(Int64(i) * 1_000_003_000), every: 7),
                                      maybe(.decimal(Int128(i) * 10_000_000_000_000 - 5), every: 8), maybe(.int(Int64(i % 256) - 128), every: 9),
                                      maybe(.binary([UInt8(i % 256), 0]), every: 10), maybe(.float(Double(i) / 8), every: 11)])
        return [.int(Int64(i)), tags, scores, address, attrs, orders, flags, when]
    }

    /// Writes `rows` shapes rows to `path`; returns the rows.
    @discardableResult
    static func writeShapes(_ path: String, rows: Int, codec: ParquetCompression) throws -> [[Value]] {
        let rows = (0 ..< rows).map(Self.row)
        let columns = try Self.schema.fields.enumerated().map { j, f in try Column(type: f.type, values: rows.map { $0[j] }) }
        let batch = try RecordBatch(schema: Self.schema, columns: columns)
        var options = ParquetWriteOptions()
        options.compression = codec
        options.rowGroupMaxRows = 1000
        options.pageMaxBytes = 2048
        options.dictionaryEnabled = codec != .gzip
        let writer = try ParquetFileWriter(path: path, schema: Self.schema, options: options)
        try writer.write(batch)
        _ = try writer.close()
        return rows
    }

    @Test(arguments: ParquetCompression.allCases)
    func peersReadOurNestedShapes(codec: ParquetCompression) throws {
        let dir = try TestEnvironment.temporaryDirectory("pq-nested")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("nested-\(codec).parquet").path
        let rows = try Self.writeShapes(path, rows: 2400, codec: codec)

        let script = Self.pythonCanon + "\n" + #"""
import duckdb, polars as pl
path = sys.argv[1]
out = {"pyarrow": dump(pq.read_table(path)),
       "duckdb": dump(duckdb.sql(f"select * from read_parquet('{path}')").fetch_arrow_table()),
       "polars": dump(pl.read_parquet(path).to_arrow())}
# pyarrow parses our leaf statistics: the required scores' min/max per row group, and as
# pyarrow counts them, an empty list's entry among the nulls.
f = pq.ParquetFile(path)
problems = []
for g in range(f.metadata.num_row_groups):
    rg = f.metadata.row_group(g)
    names = [rg.column(c).path_in_schema for c in range(rg.num_columns)]
    c = names.index("scores.list.element")
    st = rg.column(c).statistics
    scores = f.read_row_group(g, columns=["scores"]).column(0)
    mm = pc.min_max(pc.list_flatten(scores)).as_py()
    empty = sum(1 for v in scores.to_pylist() if len(v) == 0)
    if st is None or not st.has_min_max or (st.min, st.max) != (mm["min"], mm["max"]) or st.null_count != empty:
        problems.append(f"rg{g} scores stats {st}")
out["leaves"] = names
out["stats_problems"] = problems
print(json.dumps(out))
"""#
        let obj = try JSONSerialization.jsonObject(with: Data(try runPython(script, [path]).utf8)) as! [String: Any]
        for peer in ["pyarrow", "duckdb", "polars"] {
            Self.expectSame(obj[peer] as! [String: Any], names: Self.schema.fields.map(\.name), types: Self.schema.fields.map(\.type),
                            rows: rows, "\(peer) \(codec)")
        }
        let types = (obj["pyarrow"] as! [String: Any])["types"] as! [String]
        #expect(types[1] == "list<element: string>")
        #expect(types[2] == "list<element: int32 not null>")
        #expect(types[4].hasPrefix("map<string, int64"), "\(types[4])")
        #expect(types[3] == "struct<city: string, zip: int16, geo: struct<lat: double, lon: double>>")
        #expect((obj["leaves"] as? [String])?.count == 19)
        #expect(obj["stats_problems"] as? [String] == [], "\(obj["stats_problems"] ?? "")")
    }

    /// The same shapes written by pyarrow (v1 and v2 pages), DuckDB and polars read back as
    /// the rows they came from (polars has no map type: its list of key/value structs reads
    /// as a list of structs, whose canonical form is a map's).
    @Test func weReadPeersNestedFiles() throws {
        let dir = try TestEnvironment.temporaryDirectory("pq-nested-peers")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("ours.parquet").path
        let rows = try Self.writeShapes(source, rows: 1500, codec: .snappy)
        let script = #"""
import json, os, sys, duckdb, polars as pl, pyarrow.parquet as pq
src, d = sys.argv[1], sys.argv[2]
t = pq.read_table(src)
files = {}
p = os.path.join(d, "pyarrow.parquet"); pq.write_table(t, p); files["pyarrow"] = p
p = os.path.join(d, "pyarrow_v2.parquet")
pq.write_table(t, p, data_page_version="2.0", compression="zstd", use_dictionary=False, data_page_size=1024); files["pyarrow_v2"] = p
p = os.path.join(d, "duckdb.parquet"); con = duckdb.connect(); con.register("t", t)
con.execute(f"copy t to '{p}' (format parquet)"); files["duckdb"] = p
p = os.path.join(d, "polars.parquet"); pl.from_arrow(t).write_parquet(p); files["polars"] = p
print(json.dumps(files))
"""#
        let files = try JSONSerialization.jsonObject(with: Data(try runPython(script, [source, dir.path]).utf8)) as! [String: String]
        #expect(files.count == 4)
        for (peer, path) in files.sorted(by: { $0.key < $1.key }) {
            let reader = try ParquetFileReader(path: path)
            let back = try reader.readAll().flatMap { b in (0 ..< b.rowCount).map { b.row($0) } }
            #expect(reader.schema.fields.map(\.name) == Self.schema.fields.map(\.name), "\(peer)")
            guard back.count == rows.count else { Issue.record("\(peer): \(back.count) rows"); continue }
            for (j, f) in reader.schema.fields.enumerated() {
                let theirs = back.map { Self.json(Self.canon($0[j], f.type)) }
                let ours = rows.map { Self.json(Self.canon($0[j], Self.schema.fields[j].type)) }
                let first = zip(theirs, ours).enumerated().first { $0.element.0 != $0.element.1 }
                #expect(theirs == ours, "\(peer) column \(f.name) read as \(f.type.name): \(first.map { "row \($0.offset): \($0.element.0) vs \($0.element.1)" } ?? "")")
            }
        }
    }
}
