"""`scripts/bench merge`: an upsert of 1% changed rows (half updates of existing ids, half new ids)
into a 10M-row Delta table of 100 date partitions, Inlet (`inlet upload --mode merge
--primary-key id --table-format delta`) beside delta-rs (`DeltaTable.merge(...)
.when_matched_update_all().when_not_matched_insert_all()`, deltalake 1.6.6 in .venv-bench-delta).

Both merge into a fresh copy of the same table (Inlet loads it; the folder is copied for
delta-rs, so both start from the same files) with the same changes CSV. Reported for each: wall
time and peak RSS (ratios to Inlet), bytes read and written by the process (/proc/PID/io rchar and
wchar: syscalls, page cache included), and from the commit in _delta_log the files and bytes
removed and added: only the files that hold a changed key should be rewritten.

Updates hit the ids of the 10 most recent days (orders change status while they are fresh) and
the new ids are dated on the last day, so a merge that prunes by statistics touches about 10 of
the 100 partitions. `--spread uniform` draws updates from every day instead.
Without the Inlet flags (or with `--peer-only`) only delta-rs runs, on a table delta-rs writes.
"""
import csv, datetime as dt, json, os, random, shutil, subprocess, sys, time

from bench_venv import ensure_venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".venv-bench-delta")
VPY = os.path.join(VENV, "bin", "python")
REQS = ["deltalake==1.6.6", "pyarrow==26.0.1"]
DAYS = 100
FIRST_DAY = dt.datetime(2026, 1, 1)
SCHEMA = "amount=decimal(12,2)"     # as delta-rs's base table has it (Inlet would infer double)
STATUSES = ["new", "paid", "shipped", "delivered", "returned"]

# The peer, run by .venv-bench-delta's Python: table folder, changes CSV, metrics JSON out.
# The CSV is read with the table's types; `date` (the partition column) is derived from
# created_at as Inlet derives it.
PEER = """import json, sys, pyarrow as pa, pyarrow.csv as pc, pyarrow.compute as c
from deltalake import DeltaTable
table = DeltaTable(sys.argv[1])
schema = pa.schema(table.schema().to_arrow())
types = {f.name: f.type for f in schema if f.name != "date"}
changes = pc.read_csv(sys.argv[2], convert_options=pc.ConvertOptions(column_types=types))
changes = changes.append_column("date", c.cast(changes["created_at"], pa.date32())).select(schema.names).cast(schema)
metrics = (table.merge(changes, "t.id = s.id", source_alias="s", target_alias="t")
           .when_matched_update_all().when_not_matched_insert_all().execute())
json.dump(metrics, open(sys.argv[3], "w"))
"""

# The base table for --peer-only: the same rows, written by delta-rs, one file per partition.
PEER_BASE = """import sys, pyarrow as pa, pyarrow.csv as pc, pyarrow.compute as c
from deltalake import write_deltalake
types = {"id": pa.int64(), "customer": pa.string(), "amount": pa.decimal128(12, 2), "status": pa.string(),
         "created_at": pa.timestamp("us", tz="UTC"), "updated_at": pa.timestamp("us", tz="UTC")}
t = pc.read_csv(sys.argv[1], convert_options=pc.ConvertOptions(column_types=types))
t = t.append_column("date", c.cast(t["created_at"], pa.date32()))
write_deltalake(sys.argv[2], t, partition_by=["date"])
"""


def ts(seconds):
    return (FIRST_DAY + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def row(i, rng, created, updated, status=None):
    return (i, f"customer {rng.randrange(200_000):06d}", f"{rng.randrange(1, 10_000_000) / 100:.2f}",
            status or rng.choice(STATUSES), ts(created), ts(updated))


def generate(out, rows, spread, seed=25):
    """base.csv (ids 1..rows, created_at rising evenly over DAYS days) and changes.csv (1%:
    half updates of existing ids, half new ids). Deterministic for a seed; cached."""
    base, changes = os.path.join(out, f"merge_base_{rows}.csv"), os.path.join(out, f"merge_changes_{rows}_{spread}.csv")
    header = ["id", "customer", "amount", "status", "created_at", "updated_at"]
    span = DAYS * 86400
    created = lambda i: (i - 1) * span // rows   # id order is time order, like a serial key
    if not os.path.exists(base):
        rng = random.Random(seed)
        with open(base + ".tmp", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            for i in range(1, rows + 1):
                c = created(i)
                w.writerow(row(i, rng, c, c + rng.randrange(3600)))
        os.replace(base + ".tmp", base)
    if not os.path.exists(changes):
        rng = random.Random(seed + 1)
        n = rows // 100
        low = 1 if spread == "uniform" else rows - rows // 10 + 1     # the last 10 of 100 days
        updated_ids = rng.sample(range(low, rows + 1), n // 2)
        with open(changes + ".tmp", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            for i in updated_ids:
                w.writerow(row(i, rng, created(i), span + rng.randrange(86400), status="returned"))
            for i in range(rows + 1, rows + 1 + n - n // 2):
                c = span - 86400 + rng.randrange(86400)               # new orders: the last day
                w.writerow(row(i, rng, c, c))
        os.replace(changes + ".tmp", changes)
    return base, changes


def run_measured(cmd, env=None):
    """Wall seconds, peak RSS (MB), and the process's /proc/PID/io counters, read while it is a
    zombie (waitid WNOWAIT) so that nothing it did is missed."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
    wall = time.perf_counter() - t0
    io = {}
    try:
        with open(f"/proc/{p.pid}/io") as f:
            io = {k: int(v) for k, v in (line.split(": ") for line in f)}
    except OSError:
        pass
    _, status, usage = os.wait4(p.pid, 0)
    out, err = p.stdout.read(), p.stderr.read()
    return status, wall, usage.ru_maxrss / 1024, io, out.decode(errors="replace"), err.decode(errors="replace")


def last_commit(table):
    """Files and bytes the newest commit of a table removed and added, and its operation."""
    log = os.path.join(table, "_delta_log")
    newest = max(n for n in os.listdir(log) if n.endswith(".json") and n[:20].isdigit())
    summary = {"version": int(newest[:20]), "files_removed": 0, "bytes_removed": 0, "files_added": 0, "bytes_added": 0,
               "partitions_touched": set()}
    with open(os.path.join(log, newest)) as f:
        for line in f:
            action = json.loads(line)
            for kind, key in (("remove", "removed"), ("add", "added")):
                if kind in action:
                    a = action[kind]
                    summary[f"files_{key}"] += 1
                    summary[f"bytes_{key}"] += a.get("size") or 0
                    summary["partitions_touched"].add(json.dumps(a.get("partitionValues") or {}, sort_keys=True))
            if "commitInfo" in action:
                summary["operation"] = action["commitInfo"].get("operation")
    summary["partitions_touched"] = len(summary["partitions_touched"])
    return summary


# Rows in one table and not the other, both ways, over the columns they share (delta-rs's engine).
COMPARE = """import sys, pyarrow as pa
from deltalake import DeltaTable, QueryBuilder
a, b = DeltaTable(sys.argv[1]), DeltaTable(sys.argv[2])
shared = [f.name for f in pa.schema(a.schema().to_arrow()) if f.name in pa.schema(b.schema().to_arrow()).names]
cols = ", ".join('"' + c + '"' for c in shared)
q = QueryBuilder().register("a", a).register("b", b)
n = lambda sql: pa.table(q.execute(sql).read_all()).column(0)[0].as_py()
print(n(f"SELECT count(*) FROM (SELECT {cols} FROM a EXCEPT ALL SELECT {cols} FROM b)")
      + n(f"SELECT count(*) FROM (SELECT {cols} FROM b EXCEPT ALL SELECT {cols} FROM a)"))
"""


def compare_tables(a, b):
    p = subprocess.run([VPY, "-c", COMPARE, a, b], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"merge: comparing the results failed:\n{p.stderr[-1500:]}")
    return int(p.stdout.strip())


def table_files(table):
    return sum(len(fs) for _, _, fs in os.walk(table))


def bench_merge(args, report, inlet, out):
    ensure_venv(VENV, REQS, "import deltalake, pyarrow; assert deltalake.__version__ == '1.6.6'")
    rows = args.merge_rows
    base_csv, changes_csv = generate(out, rows, args.merge_spread)
    print(f"\nmerge: {rows} rows in {DAYS} partitions, {sum(1 for _ in open(changes_csv)) - 1} changed rows "
          f"({args.merge_spread} updates), base {os.path.getsize(base_csv) / 1e6:.0f} MB CSV", flush=True)
    lake = os.path.join(out, "merge-lake")
    base_table = os.path.join(lake, "datasets", "t")
    pristine = os.path.join(out, f"merge-base-{rows}")          # the loaded table, kept to copy from
    if not args.peer_only and not os.path.exists(inlet):
        sys.exit(f"merge: no {inlet} (scripts/bench builds it); `scripts/bench merge --peer-only` runs delta-rs alone")
    ours = not args.peer_only
    marker = os.path.join(pristine, ".built-by")
    builder = "inlet" if ours else "delta-rs"
    built = f"{builder} {SCHEMA}"                               # what made the kept table, to know when to remake it
    if not os.path.exists(marker) or open(marker).read() != built:
        shutil.rmtree(pristine, ignore_errors=True)
        shutil.rmtree(lake, ignore_errors=True)
        t0 = time.perf_counter()
        if ours:
            cmd = [inlet, "upload", base_csv, "--dataset-id", "t", "--store", lake, "--partition-col", "created_at",
                   "--schema", SCHEMA, "--table-format", "delta", "-q"]
            status, *_ , err = run_measured(cmd)
            if status != 0:
                sys.exit(f"merge: `inlet upload --table-format delta` failed ({status >> 8}); until Inlet has Delta "
                         f"tables run `scripts/bench merge --peer-only`.\n{err.strip()[-1500:]}")
            shutil.copytree(lake, pristine)
        else:
            status, *_, err = run_measured([VPY, "-c", PEER_BASE, base_csv, base_table])
            if status != 0:
                sys.exit(f"merge: delta-rs could not write the base table:\n{err[-1500:]}")
            shutil.copytree(lake, pristine)
        open(marker, "w").write(built)
        print(f"  base table written by {builder} in {time.perf_counter() - t0:.1f} s, "
              f"{table_files(os.path.join(pristine, 'datasets', 't'))} files", flush=True)

    sides = []
    if ours:
        sides.append(("inlet merge", [inlet, "upload", changes_csv, "--dataset-id", "t", "--store", lake, "--mode", "merge",
                                      "--primary-key", "id", "--partition-col", "created_at", "--schema", SCHEMA,
                                      "--table-format", "delta", "-q"]))
    metrics_path = os.path.join(out, "merge-peer-metrics.json")
    sides.append(("delta-rs merge", [VPY, "-c", PEER, base_table, changes_csv, metrics_path]))
    runs = {name: [] for name, _ in sides}
    for _ in range(args.repeat):
        for name, cmd in sides:
            shutil.rmtree(lake, ignore_errors=True)
            shutil.copytree(pristine, lake)
            status, wall, rss, io, _, err = run_measured(cmd)
            if status != 0:
                hint = ("; Inlet's --mode merge / --table-format delta may not exist yet: try --peer-only"
                        if name.startswith("inlet") else "")
                sys.exit(f"merge: {name} failed ({status >> 8}){hint}\n{err.strip()[-1500:]}")
            result = {"seconds": wall, "peak_rss_mb": rss, "read_bytes": io.get("rchar"), "written_bytes": io.get("wchar"),
                      **last_commit(base_table)}
            if name.startswith("delta-rs"):
                result["delta_rs_metrics"] = json.load(open(metrics_path))
            runs[name].append(result)
            kept = os.path.join(out, "merge-result-" + name.split()[0])   # each side's last result, to compare
            shutil.rmtree(kept, ignore_errors=True)
            os.replace(lake, kept)
    results = []
    first = None
    for name, _ in sides:
        rs = sorted(runs[name], key=lambda r: r["seconds"])
        r = dict(rs[len(rs) // 2], tool=name, peak_rss_mb=max(x["peak_rss_mb"] for x in rs))
        if first is None:
            first = r
        elif first["tool"].startswith("inlet"):
            r["inlet_speedup"] = round(r["seconds"] / first["seconds"], 2)
            r["rss_ratio"] = round(r["peak_rss_mb"] / first["peak_rss_mb"], 2)
        results.append(r)
        mb = lambda b: f"{(b or 0) / 1e6:8.1f}"
        extra = f"  inlet {r['inlet_speedup']:.2f}x faster, peer RSS {r['rss_ratio']:.2f}x" if "inlet_speedup" in r else ""
        print(f"  {name:<16} {r['seconds']:7.2f} s {r['peak_rss_mb']:8.1f} MB RSS  read {mb(r['read_bytes'])} MB  "
              f"written {mb(r['written_bytes'])} MB  files -{r['files_removed']} +{r['files_added']} "
              f"({mb(r['bytes_removed']).strip()} MB -> {mb(r['bytes_added']).strip()} MB, "
              f"{r['partitions_touched']} partitions){extra}", flush=True)
    if ours:
        differ = compare_tables(os.path.join(out, "merge-result-inlet", "datasets", "t"),
                                os.path.join(out, "merge-result-delta-rs", "datasets", "t"))
        print(f"  results {'equal' if differ == 0 else f'DIFFER in {differ} rows'} (Inlet's table beside delta-rs's)", flush=True)
        results.append({"rows_differing_from_delta_rs": differ})
    report["merge"] = {"rows": rows, "changes": sum(1 for _ in open(changes_csv)) - 1, "spread": args.merge_spread,
                       "base_built_by": builder, "results": results}
