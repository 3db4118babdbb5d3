import Foundation
import Testing

/// `inlet upload --mode merge --primary-key id` on 100k keys with 10% updates (some moving
/// partition) and 10% new rows: the dataset equals a reference computed by pyarrow, on the
/// local store and on S3 (moto), partitioned and not; files holding no changed key stay as
/// they were (same key, same SHA-256); the CLI's errors for a null and a missing key.
@Suite(.enabled(if: (TestEnvironment.python != nil && S3TestServer.available) || TestEnvironment.required), .serialized)
struct MergeInteropTests {
    /// Writes base.csv (ids 1…100k, sorted, 5,000 per day), changes.csv (every other id of
    /// 1…20k updated, a tenth of those moved to another day, ids 100001…110000 new, and 5
    /// keys given twice: the later wins) and want.csv, the expected dataset.
    static let generate = #"""
import csv, random, sys
from datetime import date, timedelta
out = sys.argv[1]
rnd = random.Random(25)
d0 = date(2024, 1, 1)
def row(i, tag):
    return [i, (d0 + timedelta(days=(i - 1) // 5000)).isoformat(), f"{tag}-{i}", f"{rnd.randint(100000, 999999) / 100:.2f}"]
base = {i: row(i, "base") for i in range(1, 100001)}
changes = []
for i in range(2, 20001, 2):
    r = row(i, "upd")
    if i % 20 == 0:
        r[1] = (d0 + timedelta(days=10 + i % 7)).isoformat()  # moves partition
    changes.append(r)
changes += [row(i, "new") for i in range(100001, 110001)]
for i in (4, 8, 100002, 100004, 100006):
    changes.insert(0, row(i, "stale"))  # an earlier version of a key that comes again
want = dict(base)
for r in changes:
    want[r[0]] = r
header = ["id", "day", "name", "amount"]
for name, rows in (("base", base.values()), ("changes", changes), ("want", want.values())):
    with open(f"{out}/{name}.csv", "w", newline="") as f:
        w = csv.writer(f); w.writerow(header); w.writerows(rows)
"""#

    /// The dataset at argv[2] (a folder, or bucket/prefix on S3) equals want.csv in argv[1].
    static let compare = #"""
import csv, os, sys, pyarrow.dataset as ds, pyarrow.fs as pafs
out, root = sys.argv[1], sys.argv[2]
fs = None
if len(sys.argv) > 3:
    endpoint, region = sys.argv[3], sys.argv[4]
    fs = pafs.S3FileSystem(endpoint_override=endpoint.split("://", 1)[1], scheme="http", access_key=os.environ["TEST_S3_KEY"],
                           secret_key=os.environ["TEST_S3_SECRET"], region=region)
t = ds.dataset(root, filesystem=fs, format="parquet", partitioning="hive", exclude_invalid_files=False).to_table()
got = sorted(zip(t.column("id").to_pylist(), [str(d) for d in t.column("day").to_pylist()], t.column("name").to_pylist(),
                 [f"{float(a):.2f}" for a in t.column("amount").to_pylist()]))
with open(f"{out}/want.csv", newline="") as f:
    want = sorted((int(r["id"]), r["day"], r["name"], r["amount"]) for r in csv.DictReader(f))
assert len(got) == len(want), f"{len(got)} rows, want {len(want)}"
bad = [(g, w) for g, w in zip(got, want) if g != w]
assert not bad, f"{len(bad)} rows differ, first {bad[:3]}"
print(len(got))
"""#

    let server: S3TestServer?
    init() throws { server = S3TestServer.available ? try S3TestServer.shared() : nil }

    var env: [String: String] {
        guard let server else { return [:] }
        return ["AWS_ENDPOINT_URL_S3": server.endpoint, "AWS_ACCESS_KEY_ID": server.accessKeyID,
                "AWS_SECRET_ACCESS_KEY": server.secretAccessKey, "AWS_REGION": server.region, "AWS_SESSION_TOKEN": ""]
    }

    func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func mergeEqualsThePythonReference(onS3: Bool, partitioned: Bool) throws {
        let dir = try TestEnvironment.temporaryDirectory("inlet-merge")
        try runPython(Self.generate, [dir.path])
        let prefix = "merge-\(UUID().uuidString.prefix(8).lowercased())"
        let store = onS3 ? "s3://\(server!.bucket)/\(prefix)" : dir.path + "/lake"
        let layout = partitioned ? ["--partition-col", "day"] : ["--max-file-size", "1MiB"]
        let base = try runInlet(["upload", dir.path + "/base.csv", "--dataset-id", "t", "--store", store, "--json"] + layout, environment: env)
        #expect(base.status == 0, "\(base.stderr)")
        let before = try json(base.stdout)["files"] as! [[String: Any]]
        #expect(before.count >= 2, "several files, so that some stay untouched")

        let run = try runInlet(["upload", dir.path + "/changes.csv", "--dataset-id", "t", "--store", store, "--json",
                                "--mode", "merge", "--primary-key", "id"] + layout, environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("5 input row(s) had a primary key that came again later in the input"), "\(run.stderr)")
        let out = try json(run.stdout)
        let merge = try #require(out["merge"] as? [String: Any], "\(run.stdout)")
        #expect(merge["rows_updated"] as? Int == 10000)
        #expect(merge["rows_inserted"] as? Int == 10000)
        #expect(merge["duplicates_dropped"] as? Int == 5)
        let rewritten = merge["files_rewritten"] as! Int + (merge["files_removed"] as! Int)
        #expect(rewritten > 0 && rewritten < before.count, "only the files holding ids 1…20000: \(merge)")
        // Pruned files cost their footer only (on S3 a ranged GET), so less than the dataset is read.
        let total = before.reduce(0) { $0 + ($1["bytes"] as! Int) }
        #expect((merge["bytes_read"] as! Int) < total, "\(merge), dataset \(total) bytes")
        #expect((merge["files_examined"] as! Int) < before.count, "\(merge)")

        let root = onS3 ? "\(server!.bucket)/\(prefix)/datasets/t" : dir.path + "/lake/datasets/t"
        let args = onS3 ? [dir.path, root, server!.endpoint, server!.region] : [dir.path, root]
        let count = try runPython(Self.compare, args, environment: onS3 ? ["TEST_S3_KEY": server!.accessKeyID, "TEST_S3_SECRET": server!.secretAccessKey] : [:])
        #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == "110000")

        // The manifest lists exactly what is there; files with no changed key kept their key and bytes.
        let after = try manifestFiles(store: store, dir: dir)
        let untouched = before.filter { f in after[f["key"] as! String] == (f["sha256"] as! String) }
        #expect(untouched.count == before.count - rewritten, "\(untouched.count) of \(before.count) untouched, \(rewritten) rewritten")
        #expect(untouched.allSatisfy { f in
            let key = f["key"] as! String
            return !partitioned || !["date=2024-01-01", "date=2024-01-02", "date=2024-01-03", "date=2024-01-04"].contains { key.contains($0) }
        } == true)
    }

    /// A Delta table at argv[2] (a folder or s3:// URI) equals want.csv at its latest version and
    /// base.csv at version 0, as delta-rs reads them; prints the latest commit's removes and adds.
    static let compareDelta = #"""
import csv, json, os, sys
from deltalake import DeltaTable
out, uri = sys.argv[1], sys.argv[2]
opts = None
if uri.startswith("s3://"):
    opts = {"AWS_ENDPOINT_URL": os.environ["AWS_ENDPOINT_URL_S3"], "AWS_ALLOW_HTTP": "true", "AWS_REGION": os.environ["AWS_REGION"],
            "AWS_ACCESS_KEY_ID": os.environ["AWS_ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY": os.environ["AWS_SECRET_ACCESS_KEY"]}
def rows(version):
    t = DeltaTable(uri, version=version, storage_options=opts).to_pyarrow_table()
    return sorted(zip(t.column("id").to_pylist(), [str(d) for d in t.column("day").to_pylist()], t.column("name").to_pylist(),
                      [f"{float(a):.2f}" for a in t.column("amount").to_pylist()]))
def want(name):
    with open(f"{out}/{name}.csv", newline="") as f:
        return sorted((int(r["id"]), r["day"], r["name"], r["amount"]) for r in csv.DictReader(f))
for version, name in ((None, "want"), (0, "base")):
    got, exp = rows(version), want(name)
    assert len(got) == len(exp), f"version {version}: {len(got)} rows, want {len(exp)}"
    bad = [(g, w) for g, w in zip(got, exp) if g != w]
    assert not bad, f"version {version}: {len(bad)} rows differ, first {bad[:3]}"
dt = DeltaTable(uri, storage_options=opts)
last = dt.history(1)[0]
print(json.dumps({"version": dt.version(), "operation": last.get("operation"), "rows": len(rows(None))}))
"""#

    @Test(arguments: [false, true])
    func aDeltaTableMergesInOneCommitEqualToThePythonReference(onS3: Bool) throws {
        let dir = try TestEnvironment.temporaryDirectory("inlet-merge-delta")
        try runPython(Self.generate, [dir.path])
        let prefix = "merge-\(UUID().uuidString.prefix(8).lowercased())"
        let store = onS3 ? "s3://\(server!.bucket)/\(prefix)" : dir.path + "/lake"
        let base = try runInlet(["upload", dir.path + "/base.csv", "--dataset-id", "t", "--store", store, "--partition-col", "day",
                                 "--table-format", "delta", "--json"], environment: env)
        #expect(base.status == 0, "\(base.stderr)")
        let run = try runInlet(["upload", dir.path + "/changes.csv", "--dataset-id", "t", "--store", store, "--json",
                                "--mode", "merge", "--primary-key", "id", "--partition-col", "day"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let merge = try #require(try json(run.stdout)["merge"] as? [String: Any], "\(run.stdout)")
        #expect(merge["rows_updated"] as? Int == 10000 && merge["rows_inserted"] as? Int == 10000)
        // Ids 1…20000 live in the first four days' files: only those are read and rewritten.
        #expect((merge["files_examined"] as! Int) <= 4 + 7, "\(merge)")
        let uri = onS3 ? "s3://\(server!.bucket)/\(prefix)/datasets/t" : dir.path + "/lake/datasets/t"
        let pyEnv = onS3 ? env.filter { $0.key != "AWS_SESSION_TOKEN" } : [:]
        let summary = try json(try runPython(Self.compareDelta, [dir.path, uri], environment: pyEnv))
        #expect(summary["version"] as? Int == 1, "one commit: \(summary)")
        #expect(summary["operation"] as? String == "MERGE")
        #expect(summary["rows"] as? Int == 110000)
    }

    /// Key → SHA-256 of every file the manifest lists, read with the store's own reader.
    func manifestFiles(store: String, dir: URL) throws -> [String: String] {
        let path = dir.appendingPathComponent("manifest.json").path
        let script = #"""
import json, os, sys, pyarrow.fs as pafs
store, out = sys.argv[1], sys.argv[2]
if store.startswith("s3://"):
    fs = pafs.S3FileSystem(endpoint_override=sys.argv[3].split("://", 1)[1], scheme="http", access_key=os.environ["TEST_S3_KEY"],
                           secret_key=os.environ["TEST_S3_SECRET"], region=sys.argv[4])
    with fs.open_input_stream(store[5:] + "/datasets/t/_manifest.json") as f: text = f.read()
else:
    text = open(store + "/datasets/t/_manifest.json", "rb").read()
m = json.loads(text)
json.dump({f["key"]: f["sha256"] for f in m["files"]}, open(out, "w"))
"""#
        let extra = store.hasPrefix("s3://") ? [server!.endpoint, server!.region] : []
        try runPython(script, [store, path] + extra,
                      environment: store.hasPrefix("s3://") ? ["TEST_S3_KEY": server!.accessKeyID, "TEST_S3_SECRET": server!.secretAccessKey] : [:])
        return try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: String]
    }

    @Test func aNullKeyExitsThreeAndAMissingKeyColumnTwo() throws {
        let dir = try TestEnvironment.temporaryDirectory("inlet-merge")
        let store = dir.path + "/lake"
        try "id,name\n1,a\n2,b\n".write(toFile: dir.path + "/a.csv", atomically: true, encoding: .utf8)
        #expect(try runInlet(["upload", dir.path + "/a.csv", "--dataset-id", "k", "--store", store, "-q"]).status == 0)
        try "id,name\n3,c\n,d\n".write(toFile: dir.path + "/b.csv", atomically: true, encoding: .utf8)
        let null = try runInlet(["upload", dir.path + "/b.csv", "--dataset-id", "k", "--store", store, "--mode", "merge", "--primary-key", "id"])
        #expect(null.status == 3, "\(null.stderr)")
        #expect(null.stderr.contains("row 2 of the input has a null primary key in column 'id'"), "\(null.stderr)")
        let missing = try runInlet(["upload", dir.path + "/a.csv", "--dataset-id", "k", "--store", store, "--primary-key", "id,sku"])
        #expect(missing.status == 2, "\(missing.stderr)")
        #expect(missing.stderr.contains("primary key column 'sku' is not in the data (columns: 'id', 'name')"), "\(missing.stderr)")
        let noKey = try runInlet(["upload", dir.path + "/a.csv", "--dataset-id", "k", "--store", store, "--mode", "merge"])
        #expect(noKey.status == 2, "\(noKey.stderr)")
        #expect(noKey.stderr.contains("--primary-key is needed by mode merge"), "\(noKey.stderr)")
        // Nothing was published by the failed loads.
        let rows = try runPython("import pyarrow.dataset as ds, sys; print(ds.dataset(sys.argv[1], format='parquet').to_table().num_rows)",
                                 [store + "/datasets/k/data"])
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "2")
    }
}
