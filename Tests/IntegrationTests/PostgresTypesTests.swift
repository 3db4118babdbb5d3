import Foundation
import Testing

/// Every type of issue 23's table, loaded with `inlet pg` and read back with pyarrow, value-equal
/// to what PostgreSQL itself says (`to_jsonb` of each row): NULLs, extremes, numeric(38,10),
/// time zones, arrays, non-ASCII text. DuckDB and polars read the same file.
@Suite(.enabled(if: PGTestServer.enabled), .serialized)
struct PostgresTypesTests {
    static let table = """
        drop table if exists rt_types; drop type if exists rt_mood; drop domain if exists rt_pos;
        create type rt_mood as enum ('sad', 'ok', 'happy');
        create domain rt_pos as int4 check (value > 0);
        create table rt_types (
          id int8 primary key, i2 int2, i4 int4 not null, i8 int8, f4 float4, f8 float8, n numeric(38,10), n2 numeric(12,2),
          nfree numeric, b bool, t text, vc varchar(20), ch char(5), nm name, d date, ts timestamp, tz timestamptz,
          tm time, u uuid, j json, jb jsonb, by bytea, e rt_mood, dom rt_pos, ia int4[], ta text[], iv interval);
        insert into rt_types values
         (1, 32767, -2147483648, 9223372036854775807, 1.5, -1e300, 9999999999999999999999999999.9999999999, -12.34, 3.14159,
          true, 'héllo 日本 😀', 'vc', 'ab', 'nm', '2024-02-29', '2024-01-01 12:34:56.789012', '2024-01-01 12:34:56.789012+09',
          '23:59:59.999999', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2], "k": "ü"}', '{"b": null}', '\\xdeadbeef00',
          'happy', 5, '{1,NULL,3}', '{"x","y z","日本"}', '1 year 2 mons 3 days 04:05:06.5'),
         (2, null, 0, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null, null, null, null, null),
         (3, -32768, 2147483647, -9223372036854775808, 'NaN', 'Infinity', -9999999999999999999999999999.9999999999, 0,
          -0.000001, false, '', '', '', '', '0001-01-01', '0001-01-01 00:00:00', '1969-12-31 23:59:59.999999-05:30', '00:00',
          '00000000-0000-0000-0000-000000000000', '[]', '[1, "x", {"y": 2.5}]', '', 'sad', 1, '{}', '{NULL}', '-1 days'),
         (4, 1, 1, 1, '-Infinity', -0.0, 0.0000000001, 9999999999.99, 123456789012345678901234.5, true, E'line\\nbreak',
          'x', 'abcde', 'n', '9999-12-31', '2262-04-11 23:47:16.854775', '2038-01-19 03:14:08+00', '12:00:00.5',
          'ffffffff-ffff-ffff-ffff-ffffffffffff', '"just a string"', '3', '\\x', 'ok', 2147483647, '{-1}', '{""}',
          '3 mons -2 days 00:00:00.000001');
        """

    static let compareScript = #"""
import datetime, decimal, json, sys, uuid
import pyarrow.parquet as pq, duckdb, polars as pl
path, rows_file = sys.argv[1], sys.argv[2]
pg = [json.loads(l, parse_float=decimal.Decimal, parse_int=decimal.Decimal) for l in open(rows_file) if l.strip()]
pg.sort(key=lambda r: r["id"])
t = pq.read_table(path)
ours = sorted(t.to_pylist(), key=lambda r: r["id"])
problems = []
def same(col, p, o):
    if p is None or o is None: return p is None and o is None
    if col in ("f4", "f8"):
        if isinstance(p, str): return str(o) in {"NaN": ["nan"], "Infinity": ["inf"], "-Infinity": ["-inf"]}[p]
        return float(p) == o
    if col in ("n", "n2", "nfree"): return decimal.Decimal(p) == o
    if col in ("d",): return datetime.date.fromisoformat(p) == o
    if col in ("ts", "tz"): return datetime.datetime.fromisoformat(p) == o
    if col == "tm": return datetime.time.fromisoformat(p) == o
    if col == "u": return uuid.UUID(p) == (o if isinstance(o, uuid.UUID) else uuid.UUID(bytes=o))
    if col in ("j", "jb"): return p == json.loads(o, parse_float=decimal.Decimal, parse_int=decimal.Decimal)
    if col == "by": return bytes.fromhex(p[2:]) == o
    if col in ("ia",): return [None if x is None else int(x) for x in p] == o
    return (int(p) if isinstance(p, decimal.Decimal) else p) == o
if [r["id"] for r in pg] != [r["id"] for r in ours]: problems.append(f"ids {[r['id'] for r in ours]}")
for p, o in zip(pg, ours):
    for col in p:
        if not same(col, p[col], o[col]): problems.append(f"id {p['id']} {col}: postgres {p[col]!r}, parquet {o[col]!r}")
types = {f.name: str(f.type) for f in t.schema}
nullable = {f.name: f.nullable for f in t.schema}
duck = duckdb.sql(f"select count(*), count(u), count(tm), count(jb) from read_parquet('{path}')").fetchall()[0]
pol = pl.read_parquet(path)
print(json.dumps({"problems": problems, "types": types, "nullable": nullable, "duckdb": list(duck), "polars_rows": pol.height}))
"""#

    @Test func everyTypeRoundTrips() throws {
        try PGTestServer.require()
        try PGTestServer.psql(Self.table)
        let dir = try TestEnvironment.temporaryDirectory("pg-types")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("lake").path
        let r = try runInletPG(["pg", PGTestServer.url(), "--table", "public.rt_types", "--dataset-id", "rt", "--store", store])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = dir.appendingPathComponent("rows.jsonl")
        try PGTestServer.psql("set intervalstyle = iso_8601; select to_jsonb(r) from rt_types r order by id;")
            .write(to: rows, atomically: true, encoding: .utf8)
        let file = store + "/datasets/rt/data/part-0000.parquet"
        let out = try runPython(Self.compareScript, [file, rows.path])
        let obj = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
        #expect(obj["problems"] as? [String] == [], "\(obj["problems"] ?? "")")
        let types = obj["types"] as! [String: String]
        let want = ["i2": "int16", "i4": "int32", "i8": "int64", "f4": "float", "f8": "double", "n": "decimal128(38, 10)",
                    "n2": "decimal128(12, 2)", "nfree": "decimal128(38, 6)", "b": "bool", "t": "string", "ch": "string",
                    "d": "date32[day]", "ts": "timestamp[us]", "tz": "timestamp[us, tz=UTC]", "tm": "time64[us]",
                    "u": "extension<arrow.uuid>", "j": "extension<arrow.json>", "jb": "extension<arrow.json>", "by": "binary",
                    "e": "string", "dom": "int32", "ia": "list<element: int32>", "ta": "list<element: string>", "iv": "string"]
        for (column, type) in want { #expect(types[column] == type, "\(column): \(types[column] ?? "missing")") }
        // NOT NULL columns are REQUIRED.
        let nullable = obj["nullable"] as! [String: Bool]
        #expect(nullable["id"] == false && nullable["i4"] == false && nullable["i2"] == true)
        #expect(obj["duckdb"] as? [Int] == [4, 3, 3, 3])
        #expect(obj["polars_rows"] as? Int == 4)
    }

    @Test func infinityIsAnErrorNamingTheRowUnlessNull() throws {
        try PGTestServer.require()
        try PGTestServer.psql("""
            drop table if exists rt_inf; create table rt_inf (id int4 primary key, d date, ts timestamptz);
            insert into rt_inf values (1, '2024-01-01', now()), (7, 'infinity', now()), (8, '2024-01-02', '-infinity');
            """)
        let dir = try TestEnvironment.temporaryDirectory("pg-inf")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("lake").path
        let failed = try runInletPG(["pg", PGTestServer.url(), "--table", "rt_inf", "--dataset-id", "inf", "--store", store])
        #expect(failed.status == 3, "\(failed.stderr)")
        #expect(failed.stderr.contains("column 'd' holds infinity at id=7"), "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: store + "/datasets/inf/_manifest.json"))
        let ok = try runInletPG(["pg", PGTestServer.url(), "--table", "rt_inf", "--dataset-id", "inf", "--store", store, "--infinity-null", "--json"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let nulls = try runPython("import pyarrow.parquet as pq, sys; t = pq.read_table(sys.argv[1]); print(t.column('d').null_count, t.column('ts').null_count)",
                                  [store + "/datasets/inf/data/part-0000.parquet"])
        #expect(nulls.trimmingCharacters(in: .whitespacesAndNewlines) == "1 1")
    }

    /// numeric without a typmod: decimal(38,s) with s the largest scale read when every value
    /// fits; else the value's text, with a warning naming the column (too many digits, or NaN).
    @Test func numericWithoutPrecisionFitsOrFallsBackToText() throws {
        try PGTestServer.require()
        try PGTestServer.psql("""
            drop table if exists rt_num; create table rt_num (id int4 primary key, fits numeric, wide numeric, odd numeric);
            insert into rt_num values (1, 1.5, 1, 2), (2, -0.125, 123456789012345678901234567890123.12345678, 'NaN'), (3, null, null, 3.25);
            """)
        let dir = try TestEnvironment.temporaryDirectory("pg-num")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("lake").path
        let r = try runInletPG(["pg", PGTestServer.url(), "--table", "rt_num", "--dataset-id", "num", "--store", store])
        #expect(r.status == 0, "\(r.stderr)")
        // Each once: the load's report prints them.
        let warnings = r.stderr.split(separator: "\n").filter { $0.contains("numeric without a precision") }
        #expect(warnings.count == 2, "\(r.stderr)")
        #expect(warnings.contains { $0.contains("column 'wide'") && !$0.contains("NaN") }, "\(r.stderr)")
        #expect(warnings.contains { $0.contains("column 'odd'") && $0.contains("NaN") }, "\(r.stderr)")
        #expect(!r.stderr.contains("column 'fits'"), "\(r.stderr)")
        let out = try runPython("""
            import json, sys, pyarrow.parquet as pq
            t = pq.read_table(sys.argv[1]).sort_by("id")
            print(json.dumps({"types": {f.name: str(f.type) for f in t.schema},
                              "rows": [[str(v) if v is not None else "null" for v in (r["fits"], r["wide"], r["odd"])] for r in t.to_pylist()]}))
            """, [store + "/datasets/num/data/part-0000.parquet"])
        let obj = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
        #expect(obj["types"] as? [String: String] == ["id": "int32", "fits": "decimal128(38, 3)", "wide": "string", "odd": "string"], "\(out)")
        // Exact values: the decimal rescaled, the text as PostgreSQL prints it.
        #expect(obj["rows"] as? [[String]] == [["1.500", "1", "2"], ["-0.125", "123456789012345678901234567890123.12345678", "NaN"], ["null", "null", "3.25"]], "\(out)")
    }
}
