import Foundation
import Testing

/// `inlet upload` of the committed example, then read back by pyarrow.dataset (hive
/// partitioning), DuckDB and polars: every value equals the source CSV, parsed independently
/// in Python with the types the inference must have chosen.
@Suite(.enabled(if: TestEnvironment.python != nil || TestEnvironment.required))
struct UploadInteropTests {
    static let checkScript = #"""
import csv, datetime, sys
import pyarrow as pa, pyarrow.dataset as ds, duckdb, polars as pl
src, root = sys.argv[1], sys.argv[2]
types = {"order id": int, "order date": datetime.date.fromisoformat, "quantity": int, "unit price": float,
         "amount": float, "discount": float, "shipped at": datetime.datetime.fromisoformat,
         "priority": lambda v: v == "true"}
with open(src, newline="", encoding="utf-8") as f:
    reader = csv.reader(f)
    cols = next(reader)
    expected = sorted(tuple(None if v == "" else types.get(c, str)(v) for c, v in zip(cols, r)) for r in reader)

def check(name, got):
    got = sorted(got)
    assert len(got) == len(expected), f"{name}: {len(got)} rows, expected {len(expected)}"
    for g, e in zip(got, expected):
        assert g == e, f"{name}: row {g} != {e}"

t = ds.dataset(root, format="parquet", partitioning="hive").to_table()
want = {"order id": pa.int64(), "order date": pa.date32(), "zip": pa.string(), "amount": pa.float64(),
        "shipped at": pa.timestamp("us"), "priority": pa.bool_(), "notes": pa.string()}
for c, ty in want.items():
    assert t.schema.field(c).type == ty, f"pyarrow: {c} is {t.schema.field(c).type}, expected {ty}"
parts = t.column("date").to_pylist()
dates = t.column("order date").to_pylist()
assert all(str(p) == d.isoformat() for p, d in zip(parts, dates)), "partition value differs from the column"
check("pyarrow", zip(*[t.column(c).to_pylist() for c in cols]))

q = ", ".join('"' + c + '"' for c in cols)
check("duckdb", duckdb.sql(f"select {q} from read_parquet('{root}/**/*.parquet', hive_partitioning = true)").fetchall())

df = pl.scan_parquet(f"{root}/**/*.parquet", hive_partitioning=True).select(cols).collect()
check("polars", df.rows())
print(len(expected))
"""#

    @Test func partitionedUploadReadsBackEqualInEveryPeer() throws {
        let store = try TestEnvironment.temporaryDirectory("lake")
        defer { try? FileManager.default.removeItem(at: store) }
        let csv = TestEnvironment.example("orders.csv")
        let run = try runInlet(["upload", csv, "--dataset-id", "orders", "--partition-col", "order date", "--store", store.path])
        #expect(run.status == 0, "\(run.stderr)")
        let root = store.appendingPathComponent("datasets/orders/partitions").path
        let rows = try runPython(Self.checkScript, [csv, root])
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "3000")
        // The layout is the contract: only date=YYYY-MM-DD folders with part-NNNN.parquet files.
        let names = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.hasSuffix(".parquet") }
        #expect(!names.isEmpty)
        for n in names { #expect(n.range(of: #"^date=\d{4}-\d{2}-\d{2}/part-\d{4}\.parquet$"#, options: .regularExpression) != nil, "\(n)") }
    }

    @Test func unpartitionedUploadWritesOneDataFile() throws {
        let store = try TestEnvironment.temporaryDirectory("lake")
        defer { try? FileManager.default.removeItem(at: store) }
        let csv = TestEnvironment.example("orders.csv")
        let run = try runInlet(["upload", csv, "--dataset-id", "orders", "--store", store.path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let data = store.appendingPathComponent("datasets/orders/data")
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.path) == ["part-0000.parquet"])
        let rows = try runPython(Self.checkScript.replacingOccurrences(of: #"parts = t.column("date").to_pylist()"#, with: "parts = []"),
                                 [csv, data.path])
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "3000")
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(json?["rows"] as? Int == 3000)
    }
}
