import Foundation
import TestSupport
import Testing

/// `inlet upload` of nested JSON, read back by pyarrow, DuckDB and polars: every record equals
/// the source parsed by Python's own `json`, shape by shape: empty, null and absent lists, lists
/// of nulls, structs whose fields are all null, maps with null values, three levels of nesting.
@Suite(.enabled(if: TestEnvironment.python != nil || TestEnvironment.required))
struct JSONUploadInteropTests {
    /// Python compares each peer's rows to the source, guided by the file's Arrow types: a map
    /// must hold exactly the record's keys, a struct may add null fields the record lacked.
    static let checkScript = #"""
import datetime, json, sys
import pyarrow as pa, pyarrow.parquet as pq, duckdb, polars as pl
src, path = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as f:
    expected = [json.loads(line) for line in f if line.strip()]
schema = pq.read_schema(path)

def as_map(p):
    """pyarrow gives a map as [(k, v)], DuckDB as a dict, polars as [{"key", "value"}]."""
    if isinstance(p, dict):
        return p
    return {(e["key"] if isinstance(e, dict) else e[0]): (e["value"] if isinstance(e, dict) else e[1]) for e in p}

def same(p, j, t, where):
    if j is None:
        assert p is None, f"{where}: {p!r}, expected null"
        return
    assert p is not None, f"{where}: null, expected {j!r}"
    if pa.types.is_map(t):
        m = as_map(p)
        assert set(m) == set(j), f"{where}: keys {sorted(m)} != {sorted(j)}"
        for k in j:
            same(m[k], j[k], t.item_type, f"{where}[{k}]")
    elif pa.types.is_struct(t):
        assert isinstance(j, dict), f"{where}: {j!r} is not an object"
        assert set(j) <= {t.field(i).name for i in range(t.num_fields)}, f"{where}: fields lost"
        for i in range(t.num_fields):
            f = t.field(i)
            same(p[f.name], j.get(f.name), f.type, f"{where}.{f.name}")
    elif pa.types.is_list(t) or pa.types.is_large_list(t):
        assert len(p) == len(j), f"{where}: {len(p)} items, expected {len(j)}"
        for i, (a, b) in enumerate(zip(p, j)):
            same(a, b, t.value_type, f"{where}[{i}]")
    elif pa.types.is_date32(t):
        assert p.isoformat() == j, f"{where}: {p} != {j}"
    else:
        assert p == j, f"{where}: {p!r} != {j!r}"

def check(name, rows):
    rows = sorted(rows, key=lambda r: r["id"])
    assert len(rows) == len(expected), f"{name}: {len(rows)} rows, expected {len(expected)}"
    for r, e in zip(rows, expected):
        for f in schema:
            same(r[f.name], e.get(f.name), f.type, f"{name} id={e['id']} {f.name}")

kinds = {f.name: f.type for f in schema}
assert kinds["id"] == pa.int64() and kinds["day"] == pa.date32(), kinds
assert pa.types.is_list(kinds["tags"]) and kinds["tags"].value_type == pa.string(), kinds["tags"]
a = kinds["address"]
assert pa.types.is_struct(a) and pa.types.is_struct(a.field("geo").type), a
assert pa.types.is_map(kinds["attributes"]) and kinds["attributes"].item_type == pa.int64(), kinds["attributes"]
o = kinds["orders"]
assert pa.types.is_list(o) and pa.types.is_struct(o.value_type), o
assert pa.types.is_list(o.value_type.field("lines").type), o
assert pa.types.is_list(o.value_type.field("lines").type.value_type.field("qty").type), o

check("pyarrow", pq.read_table(path).to_pylist())
con = duckdb.connect()
cur = con.execute(f"select * from read_parquet('{path}')")
names = [d[0] for d in cur.description]
check("duckdb", [dict(zip(names, r)) for r in cur.fetchall()])
check("polars", pl.read_parquet(path).to_dicts())
print(len(expected))
"""#

    /// Records covering every nested shape, plus seeded random ones so nothing depends on order.
    static func records() -> [String] {
        var fixed = [
            #"{"id": 1, "day": "2024-01-02", "tags": ["a", "b"], "address": {"city": "Oslo", "geo": {"lat": 59.9, "lon": 10.7}}, "orders": [{"sku": "x", "lines": [{"qty": [1, 2]}, {"qty": []}]}]}"#,
            #"{"id": 2, "day": "2024-01-03", "tags": [], "address": {"city": null, "geo": null}, "orders": []}"#,
            #"{"id": 3, "day": null, "tags": null, "address": null, "orders": null, "attributes": null}"#,
            #"{"id": 4, "tags": [null, "c", null], "address": {"city": "Lima"}, "orders": [null, {"sku": null, "lines": null}]}"#,
            #"{"id": 5, "day": "2024-02-29", "address": {"geo": {"lat": null, "lon": null}}, "orders": [{"lines": [null, {"qty": [null, 3]}]}]}"#,
            #"{"id": 6, "attributes": {"k1": null, "k2": 7}, "tags": [""]}"#,
            #"{"id": 7, "attributes": {}}"#,
        ]
        var rng = SeededRandom(seed: 21)
        for id in 8 ... 400 {
            var fields = [#""id": \#(id)"#]
            if rng.next() % 4 != 0 { fields.append(#""day": "2024-03-\#(String(format: "%02d", Int(rng.next() % 28) + 1))""#) }
            var keys: [UInt64: String] = [:]   // distinct keys, one of ninety: the map rule's shape
            for _ in 0 ..< rng.next() % 4 { keys[rng.next() % 90] = rng.next() % 3 == 0 ? "null" : String(rng.next() % 1000) }
            let entries = keys.sorted { $0.key < $1.key }.map { #""k\#($0.key)": \#($0.value)"# }
            fields.append(#""attributes": {\#(entries.joined(separator: ", "))}"#)
            let tags = (0 ..< Int(rng.next() % 3)).map { _ in rng.next() % 5 == 0 ? "null" : #""t\#(rng.next() % 9)""# }
            fields.append(#""tags": [\#(tags.joined(separator: ", "))]"#)
            fields.append(#""orders": [{"sku": "s\#(id)", "lines": [{"qty": [\#(rng.next() % 50), \#(rng.next() % 50)]}]}]"#)
            fixed.append("{" + fields.joined(separator: ", ") + "}")
        }
        return fixed
    }

    @Test func nestedRecordsReadBackEqualInEveryPeer() throws {
        let dir = try TestEnvironment.temporaryDirectory("json-interop")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("events.jsonl")
        try Data((Self.records().joined(separator: "\n") + "\n").utf8).write(to: source)
        let store = dir.appendingPathComponent("lake").path
        let run = try runInlet(["upload", source.path, "--dataset-id", "events", "--store", store])
        #expect(run.status == 0, "\(run.stderr)")
        let file = store + "/datasets/events/data/part-0000.parquet"
        let rows = try runPython(Self.checkScript, [source.path, file])
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "400")
    }
}
