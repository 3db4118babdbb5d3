#!/usr/bin/env python3
"""Checks delta_read.py end to end on tables that deltalake (delta-rs) itself writes, before any
test trusts it with Inlet's tables: every reader, every version, local and (when scripts/test has
started moto: AWS_ENDPOINT_URL_S3 and S3_BUCKET set) on S3; the rows must equal what was written.
Then delta_merge_reference.py against delta-rs's own merge.

    delta_read_check.py            (run by scripts/test in .venv-test; prints one line per check)
"""
import datetime as dt, decimal, json, os, subprocess, sys, tempfile, uuid

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import DeltaTable, write_deltalake

HERE = os.path.dirname(os.path.abspath(__file__))
READ = os.path.join(HERE, "delta_read.py")
MERGE = os.path.join(HERE, "delta_merge_reference.py")
sys.dont_write_bytecode = True   # no __pycache__ in a SwiftPM target folder
sys.path.insert(0, HERE)
from delta_read import canonical, delta_storage_options  # noqa: E402

SCHEMA = pa.schema([
    ("id", pa.int64()), ("name", pa.string()), ("amount", pa.decimal128(12, 2)),
    ("seen", pa.timestamp("us")),                      # naive: timestamp_ntz, reader 3 / writer 7
    ("at", pa.timestamp("us", tz="UTC")), ("date", pa.date32()),
    ("info", pa.struct([("k", pa.int32()), ("tags", pa.list_(pa.string()))])),
    ("scores", pa.list_(pa.float64())), ("attrs", pa.map_(pa.string(), pa.int64())), ("note", pa.string())])


def batch(ids, day, version):
    n = len(ids)
    return pa.table({
        "id": ids, "name": [f"customer {i} v{version}" for i in ids],
        "amount": [decimal.Decimal(i * 100 + version).scaleb(-2) for i in ids],
        "seen": [dt.datetime(2024, 1, 1, 12, 0, 0, 123456) + dt.timedelta(hours=i) for i in ids],
        "at": [dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=i, microseconds=7) for i in ids],
        "date": [day] * n, "info": [{"k": i, "tags": ["a", f"v{version}"]} for i in ids],
        "scores": [[0.5, float(i)] for i in ids], "attrs": [[("x", i), ("y", -i)] for i in ids],
        "note": [None if i % 3 == 0 else "é ok" for i in ids]}, schema=SCHEMA)


def write_versions(uri):
    """Four versions: create, append another day, replace one day, append. Returns each
    version's expected rows (canonical JSON lines)."""
    so = delta_storage_options(uri)
    d1, d2, d3 = dt.date(2024, 1, 1), dt.date(2024, 1, 2), dt.date(2024, 1, 3)
    steps = [("error", None, batch([1, 2, 3], d1, 0)),
             ("append", None, batch([4, 5], d2, 1)),
             ("overwrite", "date = '2024-01-01'", batch([6, 7], d1, 2)),
             ("append", None, batch([8], d3, 3))]
    current, expected = {}, []
    for mode, predicate, data in steps:
        write_deltalake(uri, data, mode=mode, predicate=predicate, partition_by=["date"], storage_options=so)
        rows = data.to_pylist()
        if predicate:
            current = {k: r for k, r in current.items() if r["date"] != d1}
        current.update({r["id"]: r for r in rows})
        expected.append(lines(current.values()))
    return expected


def lines(rows):
    return sorted(json.dumps({k: canonical(v) for k, v in r.items()}, sort_keys=True, separators=(",", ":"),
                             ensure_ascii=False) for r in rows)


def difference(got, want):
    pairs = zip(got + [""] * len(want), want + [""] * len(got))
    g, w = next(((g, w) for g, w in pairs if g != w), ("", ""))
    return f"{len(got)} rows, want {len(want)}; first difference:\n  got  {g}\n  want {w}"


def run(*args):
    return subprocess.run([sys.executable, READ, *args], capture_output=True, text=True)


failures = []


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else ': ' + detail}", flush=True)
    if not ok:
        failures.append(name)


def check_table(where, uri, expected):
    for version, want in enumerate(expected):
        for reader in ("deltalake", "polars", "duckdb"):
            for args in (["--version", str(version)],) + (([],) if version == len(expected) - 1 else ()):
                p = run(uri, "--reader", reader, *args)
                got = p.stdout.splitlines()
                check(f"{where} {reader} {' '.join(args) or 'latest'}", p.returncode == 0 and got == want,
                      p.stderr.strip() or difference(got, want))
    p = run(uri, "--reader", "duckdb", "--columns", "date,id", "--sort", "id")
    check(f"{where} duckdb --columns --sort", p.returncode == 0 and
          [json.loads(l)["id"] for l in p.stdout.splitlines()] == [4, 5, 6, 7, 8] and
          set(json.loads(p.stdout.splitlines()[0])) == {"date", "id"}, p.stdout + p.stderr)
    p = run(uri, "--history")
    hist = [json.loads(l) for l in p.stdout.splitlines()]
    check(f"{where} --history", p.returncode == 0 and [h["version"] for h in hist] == [0, 1, 2, 3]
          and all(h["operation"] == "WRITE" for h in hist), p.stdout + p.stderr)
    p = run(uri, "--files", "--version", "2")
    files = [json.loads(l) for l in p.stdout.splitlines()]
    check(f"{where} --files at version 2", p.returncode == 0 and
          sorted(f["partitionValues"]["date"] for f in files) == ["2024-01-01", "2024-01-02"] and
          sum(f["numRecords"] for f in files) == 4 and all(f["minValues"]["id"] <= f["maxValues"]["id"] for f in files),
          p.stdout + p.stderr)
    for reader in ("polars", "duckdb"):
        for mode in ("--history", "--files"):
            p = run(uri, "--reader", reader, mode)
            check(f"{where} {reader} {mode} is refused (exit 3)", p.returncode == 3 and not p.stdout, f"exit {p.returncode}")
    p = run(uri, "--reader", "duckdb", "--version", "99")
    check(f"{where} duckdb missing version fails in one line", p.returncode == 1 and len(p.stderr.strip().splitlines()) == 1,
          p.stderr)


def check_checkpoint(tmp):
    """Eleven appends and a checkpoint at version 10 (as Inlet writes one every 10 versions), then
    _last_checkpoint: every reader reads the latest version and an older one through it."""
    uri = os.path.join(tmp, "datasets", "checkpointed")
    rows = {}
    for version in range(11):
        data = batch([100 + version], dt.date(2024, 2, 1 + version % 3), version)
        write_deltalake(uri, data, mode="append", partition_by=["date"])
        rows.update({r["id"]: r for r in data.to_pylist()})
    DeltaTable(uri).create_checkpoint()
    check("checkpoint written", os.path.exists(os.path.join(uri, "_delta_log", "_last_checkpoint")), os.listdir(uri))
    for reader in ("deltalake", "polars", "duckdb"):
        for args, want in (([], lines(rows.values())), (["--version", "4"], lines(r for i, r in rows.items() if i <= 104))):
            p = run(uri, "--reader", reader, *args)
            got = p.stdout.splitlines()
            check(f"checkpointed {reader} {' '.join(args) or 'latest'}", p.returncode == 0 and got == want,
                  p.stderr.strip() or difference(got, want))


def check_secret_stays_hidden(uri):
    """A wrong secret fails every reader in one line that shows neither secret."""
    secret = os.environ["AWS_SECRET_ACCESS_KEY"]
    wrong = secret[::-1]
    for reader, mode in (("deltalake", []), ("polars", []), ("duckdb", []), ("deltalake", ["--history"])):
        p = subprocess.run([sys.executable, READ, uri, "--reader", reader, *mode], capture_output=True, text=True,
                           env=dict(os.environ, AWS_SECRET_ACCESS_KEY=wrong))
        printed = p.stdout + p.stderr
        check(f"s3 {reader} {' '.join(mode)} with a wrong secret: one line, no secret", p.returncode == 1 and
              len(p.stderr.strip().splitlines()) == 1 and secret not in printed and wrong not in printed,
              f"exit {p.returncode}: {printed.replace(secret, '<SECRET>').replace(wrong, '<WRONG SECRET>')[:300]!r}")


def check_merge(tmp):
    """The reference equals delta-rs's own merge (update matched, insert the rest) with a
    duplicate key in the changes (last wins) and a compound key."""
    old, peer = os.path.join(tmp, "merge-old"), os.path.join(tmp, "merge-peer")
    base = pa.table({"id": [1, 2, 3, 4], "k2": ["a", "a", "b", "b"], "v": [10, 20, 30, 40]})
    write_deltalake(old, base)
    write_deltalake(peer, base)
    changes = pa.table({"id": [2, 5, 2, 3], "k2": ["a", "a", "a", "x"], "v": [21, 50, 22, 31]})
    pq.write_table(changes, os.path.join(tmp, "changes.parquet"))
    with open(os.path.join(tmp, "changes.csv"), "w") as f:
        f.write("id,k2,v\n" + "".join(f"{r['id']},{r['k2']},{r['v']}\n" for r in changes.to_pylist()))
    last = pa.table({"id": [5, 2, 3], "k2": ["a", "a", "x"], "v": [50, 22, 31]})   # delta-rs refuses duplicate sources
    (DeltaTable(peer).merge(last, "t.id = s.id AND t.k2 = s.k2", source_alias="s", target_alias="t")
     .when_matched_update_all().when_not_matched_insert_all().execute())
    want = lines(DeltaTable(peer).to_pyarrow_table().to_pylist())
    check("delta-rs merge did change the table", len(want) == 6 and want != lines(base.to_pylist()), "\n".join(want))
    for fmt in ("parquet", "csv"):
        p = subprocess.run([sys.executable, MERGE, "--old", old, "--changes", os.path.join(tmp, f"changes.{fmt}"),
                            "--key", "id,k2"], capture_output=True, text=True)
        got = sorted(p.stdout.splitlines())
        check(f"merge reference ({fmt} changes) equals delta-rs merge", p.returncode == 0 and got == want,
              p.stderr + "\n".join(got) + " vs " + "\n".join(want))
        check(f"merge reference ({fmt}) warns about the duplicate key", "1 duplicate" in p.stderr, p.stderr)
    with open(os.path.join(tmp, "nullkey.csv"), "w") as f:
        f.write("id,k2,v\n7,a,1\n,a,2\n")
    p = subprocess.run([sys.executable, MERGE, "--old", old, "--changes", os.path.join(tmp, "nullkey.csv"), "--key", "id,k2"],
                       capture_output=True, text=True)
    check("merge reference refuses a null key, naming the row", p.returncode == 3 and "row 2" in p.stderr, p.stderr)


def main():
    with tempfile.TemporaryDirectory(prefix="delta-read-check-") as tmp:
        local = os.path.join(tmp, "datasets", "t")
        check_table("local", local, write_versions(local))
        if os.environ.get("AWS_ENDPOINT_URL_S3") and os.environ.get("S3_BUCKET"):
            uri = f"s3://{os.environ['S3_BUCKET']}/datasets/delta-read-check-{uuid.uuid4().hex[:8]}"
            check_table("s3", uri, write_versions(uri))
            check_secret_stays_hidden(uri)
        else:
            print("skip s3 (no AWS_ENDPOINT_URL_S3/S3_BUCKET: scripts/test starts moto)")
        check_checkpoint(tmp)
        check_merge(tmp)
    if failures:
        sys.exit(f"delta_read_check: {len(failures)} failed: {', '.join(failures)}")
    print("delta_read_check: all passed")


if __name__ == "__main__":
    main()
