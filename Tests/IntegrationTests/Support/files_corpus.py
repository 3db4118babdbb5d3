# Writes the files source's test corpus into an S3 bucket (moto) or a local folder, the same
# keys either way, so every case runs on S3 and on local globs alike.
#   files_corpus.py s3 BUCKET/PREFIX PART...     (credentials from INLET_TEST_S3_*)
#   files_corpus.py local FOLDER PART...
# Parts: vendor, json, parquet, bad, rejects, inc-N, changed-N, updated-N, late-N, kill-N[-R]. Prints what it wrote as JSON.
import gzip, io, json, os, sys, time

target, root, parts = sys.argv[1], sys.argv[2], sys.argv[3:]
zstd_fixture = os.environ.get("FILES_ZSTD_FIXTURE")

if target == "s3":
    import boto3
    from botocore.config import Config
    bucket, _, prefix = root.partition("/")
    s3 = boto3.client("s3", endpoint_url=os.environ["INLET_TEST_S3_ENDPOINT"], region_name=os.environ.get("INLET_TEST_S3_REGION", "us-east-1"),
                      aws_access_key_id=os.environ["INLET_TEST_S3_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["INLET_TEST_S3_SECRET_ACCESS_KEY"],
                      config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}))

def put(key, data, age=None):
    """One object; `age` (seconds in the past) sets a local file's mtime (S3 sets its own)."""
    if target == "s3":
        s3.put_object(Bucket=bucket, Key=(prefix + "/" if prefix else "") + key, Body=data)
    else:
        path = os.path.join(root, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        if age is not None:
            t = time.time() - age
            os.utime(path, (t, t))

def csv(header, rows):
    return (",".join(header) + "\n" + "".join(",".join(str(v) for v in r) + "\n" for r in rows)).encode()

out = {}
for part in parts:
    if part == "vendor":
        # 240 objects under hive folders; headers in two orders, every tenth with an extra
        # column, one with a fraction (amount becomes float64); plus one zstd object.
        n = 0
        for day in (1, 2, 3):
            for region in ("eu", "us"):
                for k in range(40):
                    ids = [n * 3 + i for i in (1, 2, 3)]
                    rows = [{"id": i, "amount": i % 50, "name": "n%d" % i, "note": "x%d" % i} for i in ids]
                    if n == 7:
                        rows[0]["amount"] = "2.5"
                    header = ["id", "amount", "name"] if n % 2 == 0 else ["name", "amount", "id"]
                    if n % 10 == 0:
                        header = header + ["note"]
                    put("vendor/dt=2025-01-%02d/region=%s/part-%03d.csv.gz" % (day, region, k),
                        gzip.compress(csv(header, [[r[h] for h in header] for r in rows])))
                    n += 1
        put("vendor/dt=2025-01-03/region=eu/extra.csv.zst", open(zstd_fixture, "rb").read())
        # Never matched: a marker, a hidden file, another folder, another extension.
        put("vendor/_SUCCESS", b"")
        put("vendor/dt=2025-01-01/.hidden.csv.gz", gzip.compress(b"id\n999999\n"))
        put("vendor/dt=2025-01-01/region=eu/_tmp/part-9.csv.gz", gzip.compress(b"id\n999998\n"))
        put("other/x.csv.gz", gzip.compress(b"id\n999997\n"))
        put("vendor/readme.txt", b"not data")
        out["vendor"] = {"objects": 241, "rows": n * 3 + 3}
    elif part == "json":
        docs = [
            [{"id": 1, "user": {"name": "a"}, "tags": ["x"]}, {"id": 2, "user": {"name": "b"}, "tags": []}],
            [{"id": 3, "score": 1.5, "user": {"name": "c"}}],
            [{"user": {"name": "d", "age": 40}, "id": 4, "tags": ["y", "z"]}],
        ]
        for i, d in enumerate(docs):
            put("events/e%d.jsonl.gz" % i, gzip.compress("".join(json.dumps(r) + "\n" for r in d).encode()))
        out["json"] = {"objects": 3, "rows": 4}
    elif part == "parquet":
        import pyarrow as pa, pyarrow.parquet as pq
        def parquet(table):
            buf = io.BytesIO()
            pq.write_table(table, buf)
            return buf.getvalue()
        put("pq/a.parquet", parquet(pa.table({"id": pa.array([1, 2], pa.int32()), "v": pa.array([0.5, 1.5], pa.float32()),
                                              "tags": pa.array([["a"], []], pa.list_(pa.string()))})))
        put("pq/b.parquet", parquet(pa.table({"v": pa.array([2.25], pa.float64()), "id": pa.array([3], pa.int64()),
                                              "extra": pa.array(["e"]), "tags": pa.array([["b", "c"]], pa.list_(pa.string()))})))
        out["parquet"] = {"objects": 2, "rows": 3}
    elif part == "bad":
        put("bad/good1.csv.gz", gzip.compress(csv(["id", "v"], [[1, "a"], [2, "b"]])))
        whole = gzip.compress(csv(["id", "v"], [[i, "v%d" % i] for i in range(3, 2000)]))
        put("bad/broken.csv.gz", whole[: len(whole) // 2])
        put("bad/binary.csv", bytes(range(256)) * 4)
        put("bad/zz-good2.csv", csv(["id", "v"], [[5000, "z"]]))
        out["bad"] = {"good_rows": 3, "bad": ["bad/binary.csv", "bad/broken.csv.gz"]}
    elif part == "rejects":
        # Two CSV objects and one JSON object, each with one bad row on its line 3 (CSV: a
        # field too many, a field too few) or 2 (JSON: a record cut short).
        put("rej/a.csv", b"id,v\n1,a\n2,b,extra\n3,c\n")
        put("rej/b.csv.gz", gzip.compress(b"id,v\n10,x\n11\n12,y\n"))
        put("rej/c.jsonl", b'{"id": 20, "v": "j"}\n{"id": 21, "v": \n{"id": 22, "v": "k"}\n')
        out["rejects"] = {"good_rows": 6, "bad_rows": 3}
    elif part.startswith("inc-"):
        # Incremental runs: objects named by their first id, three rows each.
        first = int(part.split("-")[1])
        put("inc/ids-%06d.csv" % first, csv(["id", "day"], [[first + i, "2025-02-%02d" % (1 + (first + i) % 3)] for i in range(3)]))
        out[part] = {"rows": 3}
    elif part.startswith("changed-"):
        # The inc- object of that first id again, with other content (one row).
        first = int(part.split("-")[1])
        put("inc/ids-%06d.csv" % first, csv(["id", "day"], [[first, "2025-02-01"]]))
        out[part] = {"rows": 1}
    elif part.startswith("updated-"):
        # The inc- object of that first id again: its three rows with another day, and a fourth.
        first = int(part.split("-")[1])
        put("inc/ids-%06d.csv" % first, csv(["id", "day"], [[first + i, "2025-03-%02d" % (1 + i)] for i in range(4)]))
        out[part] = {"rows": 4}
    elif part.startswith("late-"):
        # An object last modified well before the others (locally: an hour ago).
        first = int(part.split("-")[1])
        put("inc/late-%06d.csv" % first, csv(["id", "day"], [[first + i, "2025-02-01"] for i in range(3)]), age=3600)
        out[part] = {"rows": 3}
    elif part.startswith("kill-"):
        # kill-N[-R]: a batch of 20 objects of R rows (default 50), ids from N, for the kill -9 test.
        first, rows = (int(x) for x in (part.split("-")[1:] + ["50"])[:2])
        for k in range(20):
            base = first + k * rows
            put("kill/obj-%07d.csv.gz" % base, gzip.compress(csv(["id", "day", "pad"], [[base + i, "2025-03-%02d" % (1 + i % 5), "p" * 40] for i in range(rows)]), 1))
        out[part] = {"rows": 20 * rows}
print(json.dumps(out))
