#!/usr/bin/env python3
"""Runs Inlet and its peers side by side and reports ratios (see scripts/bench).

Each measurement is a whole process, timed by wall clock, with its own peak RSS from
wait4(2). Inputs come from scripts/gen/gen_{csv,json}.py (or $INLET_BENCH_GEN[_JSON]), so every
tool sees the same bytes. Results: a table on stdout and bench-out/results.json.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, time

from bench_api import bench_api
from bench_postgres import bench_postgres

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench-out")
INLET = os.path.join(ROOT, ".build/release/inlet")
BENCH = os.path.join(ROOT, ".build/release/inlet-bench")
PY = sys.executable
# The team's deterministic generators (from ../shared/bench), kept here so a clone can bench.
GEN = os.environ.get("INLET_BENCH_GEN", os.path.join(ROOT, "scripts", "gen", "gen_csv.py"))
GEN_JSON = os.environ.get("INLET_BENCH_GEN_JSON", os.path.join(ROOT, "scripts", "gen", "gen_json.py"))

PEERS = {
    "pandas": "import sys, pandas as pd; pd.read_csv(sys.argv[1]).to_parquet(sys.argv[2])",
    "pyarrow": "import sys, pyarrow.csv as c, pyarrow.parquet as pq; pq.write_table(c.read_csv(sys.argv[1]), sys.argv[2])",
    "duckdb": ("import sys, duckdb; q=lambda s: \"'\" + s.replace(\"'\", \"''\") + \"'\"; "
               "duckdb.connect().execute(f'COPY (SELECT * FROM read_csv_auto({q(sys.argv[1])})) TO {q(sys.argv[2])} (FORMAT PARQUET)')"),
    "polars": "import sys, polars as pl; pl.scan_csv(sys.argv[1]).sink_parquet(sys.argv[2], compression='snappy')",
}
DUCKDB_PARTITIONED = ("import sys, duckdb; q=lambda s: \"'\" + s.replace(\"'\", \"''\") + \"'\"; "
                      "duckdb.connect().execute(f'COPY (SELECT *, CAST(\"{sys.argv[3]}\" AS DATE) AS date FROM read_csv_auto({q(sys.argv[1])})) "
                      "TO {q(sys.argv[2])} (FORMAT PARQUET, PARTITION_BY (date))')")
PARTITION_COL = {"usage": "Date", "orders": "due date"}

# NDJSON → Parquet. DuckDB needs the whole file sampled: by default it misses a field that
# first appears after its sample.
JSON_PEERS = {
    "duckdb": ("import sys, duckdb; q=lambda s: \"'\" + s.replace(\"'\", \"''\") + \"'\"; "
               "duckdb.connect().execute(f\"COPY (SELECT * FROM read_json({q(sys.argv[1])}, format = 'newline_delimited', sample_size = -1)) "
               "TO {q(sys.argv[2])} (FORMAT PARQUET)\")"),
    "polars": "import sys, polars as pl; pl.scan_ndjson(sys.argv[1]).sink_parquet(sys.argv[2], compression='snappy')",
    "pyarrow": "import sys, pyarrow.json as j, pyarrow.parquet as pq; pq.write_table(j.read_json(sys.argv[1]), sys.argv[2])",
    "pandas": "import sys, pandas as pd; pd.read_json(sys.argv[1], lines=True).to_parquet(sys.argv[2])",
}


def run_once(cmd, output=None):
    """Wall seconds, peak RSS (MB) and stdout of one run of `cmd`; `output` is removed first,
    so every run (Inlet's and the peers') writes from scratch."""
    if output:
        fresh(output)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    out, err = p.stdout.read(), p.stderr.read()
    if status != 0:
        sys.exit(f"benchmark command failed ({status}): {' '.join(cmd)}\n{err.decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024, out


def measure_side_by_side(entries, repeat):
    """Median wall seconds and max peak RSS (MB) of each (name, cmd, output) entry over
    `repeat` repetitions, the entries run in turn within each: this VM's speed drifts by 10-20%
    over minutes, and running all of one tool's repetitions before the next tool's turned that
    drift into the ratios."""
    runs = {name: [] for name, _, _ in entries}
    for _ in range(repeat):
        for name, cmd, output in entries:
            runs[name].append(run_once(cmd, output=output))
    return {name: (statistics.median(r[0] for r in rs), max(r[1] for r in rs)) for name, rs in runs.items()}


def generate(kind, rows):
    path = os.path.join(OUT, f"{kind}_{rows}.csv")
    if not os.path.exists(path):
        if not os.path.exists(GEN):
            sys.exit(f"missing generator {GEN} (set INLET_BENCH_GEN)")
        subprocess.run([PY, GEN, "--rows", str(rows), "--kind", kind, "--out", path], check=True)
    return path


def fresh(path):
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)
    return path


def inlet_upload_cmd(csv, kind, partitioned):
    store = os.path.join(OUT, "lake")
    cmd = [INLET, "upload", csv, "--dataset-id", f"bench-{kind}", "--store", store, "-q"]
    if partitioned:
        cmd += ["--partition-col", PARTITION_COL[kind]]
    return cmd, store


def inlet_upload(csv, kind, partitioned, repeat):
    cmd, store = inlet_upload_cmd(csv, kind, partitioned)
    return measure_side_by_side([("inlet", cmd, store)], repeat)["inlet"]


def row(results, name, secs, rss, mb, base=None):
    r = {"tool": name, "seconds": round(secs, 3), "mb_per_s": round(mb / secs, 1), "peak_rss_mb": round(rss, 1)}
    if base:
        r["inlet_speedup"] = round(secs / base[0], 2)   # >1: Inlet is faster
        r["rss_ratio"] = round(rss / base[1], 2)        # >1: the peer uses more memory
    results.append(r)
    extra = f"  inlet {r['inlet_speedup']:.2f}x faster, peer RSS {r['rss_ratio']:.2f}x" if base else ""
    print(f"  {name:<28} {secs:7.2f} s {mb / secs:8.1f} MB/s {rss:8.1f} MB{extra}", flush=True)


def bench_upload(args, report):
    for kind in ("usage", "orders"):
        csv = generate(kind, args.rows)
        mb = os.path.getsize(csv) / 1e6
        print(f"\nupload {kind}: {os.path.basename(csv)} ({mb:.0f} MB)")
        for partitioned in (False, True):
            res = []
            label = "partitioned" if partitioned else "single"
            cmd, store = inlet_upload_cmd(csv, kind, partitioned)
            entries = [(f"inlet ({label})", cmd, store)]
            if partitioned:
                entries.append(("duckdb PARTITION_BY", [PY, "-c", DUCKDB_PARTITIONED, csv, os.path.join(OUT, "peer-out"),
                                                        PARTITION_COL[kind]], os.path.join(OUT, "peer-out")))
            else:
                out = os.path.join(OUT, "peer.parquet")
                entries += [(name, [PY, "-c", code, csv, out], out) for name, code in PEERS.items()]
            measured = measure_side_by_side(entries, args.repeat)
            base = measured[entries[0][0]]
            for name, _, _ in entries:
                row(res, name, *measured[name], mb, None if name == entries[0][0] else base)
            report[f"upload/{kind}/{label}"] = res


def bench_flat(args, report):
    """Peak RSS should not grow with the input: the same kind of file, 4x the rows."""
    print("\nmemory flatness (inlet upload, usage, partitioned)")
    res = []
    for rows in (args.rows, 4 * args.rows):
        csv = generate("usage", rows)
        mb = os.path.getsize(csv) / 1e6
        row(res, f"inlet {rows} rows", *inlet_upload(csv, "usage", True, 1), mb)
    res.append({"rss_growth": round(res[1]["peak_rss_mb"] / res[0]["peak_rss_mb"], 2)})
    print(f"  RSS growth for 4x input: {res[-1]['rss_growth']:.2f}x")
    report["flat"] = res


def generate_json(rows):
    path = os.path.join(OUT, f"events_{rows}.jsonl")
    if not os.path.exists(path):
        if not os.path.exists(GEN_JSON):
            sys.exit(f"missing generator {GEN_JSON} (set INLET_BENCH_GEN_JSON)")
        subprocess.run([PY, GEN_JSON, "--rows", str(rows), "--out", path], check=True)
    return path


def bench_json(args, report):
    """NDJSON (nested: objects, lists of objects, a map) → Parquet, beside DuckDB, polars,
    pyarrow and pandas; then Inlet's peak RSS at 4x the input."""
    rows = args.json_rows
    src = generate_json(rows)
    mb = os.path.getsize(src) / 1e6
    print(f"\njson → parquet: {os.path.basename(src)} ({mb:.0f} MB)")
    store = os.path.join(OUT, "lake")
    out = os.path.join(OUT, "peer.parquet")
    entries = [("inlet", [INLET, "upload", src, "--dataset-id", "bench-json", "--store", store, "-q"], store)]
    entries += [(name, [PY, "-c", code, src, out], out) for name, code in JSON_PEERS.items() if name not in args.skip.split(",")]
    measured = measure_side_by_side(entries, args.repeat)
    res = []
    for name, _, _ in entries:
        row(res, name, *measured[name], mb, None if name == "inlet" else measured["inlet"])
    report["json"] = res
    if "flat" in args.only.split(",") or args.json_flat:
        big = generate_json(4 * rows)
        flat = []
        for path in (src, big):
            cmd = [INLET, "upload", path, "--dataset-id", "bench-json", "--store", store, "-q"]
            row(flat, f"inlet {os.path.basename(path)}", *measure_side_by_side([("inlet", cmd, store)], 1)["inlet"], os.path.getsize(path) / 1e6)
        flat.append({"rss_growth": round(flat[1]["peak_rss_mb"] / flat[0]["peak_rss_mb"], 2)})
        print(f"  RSS growth for 4x input: {flat[-1]['rss_growth']:.2f}x")
        report["json_flat"] = flat


def bench_csv(args, report):
    """CSV bytes → typed batches, no Parquet: inlet-bench csv-read beside pyarrow.csv.read_csv."""
    for kind in ("usage", "orders"):
        csv = generate(kind, args.rows)
        mb = os.path.getsize(csv) / 1e6
        print(f"\ncsv → typed batches, {kind} ({mb:.0f} MB)")
        res = []
        measured = measure_side_by_side([("inlet", [BENCH, "csv-read", csv], None),
                                         ("pyarrow.csv.read_csv", [PY, "-c", "import sys, pyarrow.csv as c; c.read_csv(sys.argv[1])", csv], None)],
                                        args.repeat)
        row(res, "inlet", *measured["inlet"], mb)
        row(res, "pyarrow.csv.read_csv", *measured["pyarrow.csv.read_csv"], mb, measured["inlet"])
        report[f"csv/{kind}"] = res


def bench_parquet(args, report):
    """10M mixed rows → Parquet (SNAPPY) on one core, beside pyarrow with set_cpu_count(1)."""
    rows = args.parquet_rows
    print(f"\nparquet write, {rows} rows, one core")
    ours = os.path.join(OUT, "inlet-bench.parquet")
    theirs = os.path.join(OUT, "pyarrow-bench.parquet")
    sides = {"inlet": ([BENCH, "parquet-write", str(rows), ours], ours),
             "pyarrow": ([PY, os.path.join(ROOT, "scripts", "bench_parquet_peer.py"), str(rows), theirs], theirs)}
    encode = {name: [] for name in sides}
    rss = {name: 0.0 for name in sides}
    # In turn within each repetition, like the uploads. Both print their own encode time (data
    # generation excluded) as the last line's "seconds"; the medians are compared.
    for _ in range(args.repeat):
        for name, (cmd, path) in sides.items():
            _, peak, out = run_once(cmd, output=path)
            encode[name].append(json.loads(out.decode().strip().splitlines()[-1])["seconds"])
            rss[name] = max(rss[name], peak)
    ours_s, theirs_s = statistics.median(encode["inlet"]), statistics.median(encode["pyarrow"])
    res = [{"tool": "inlet", "encode_seconds": ours_s, "bytes": os.path.getsize(ours), "peak_rss_mb": round(rss["inlet"], 1)},
           {"tool": "pyarrow", "encode_seconds": theirs_s, "bytes": os.path.getsize(theirs), "peak_rss_mb": round(rss["pyarrow"], 1),
            "inlet_speedup": round(theirs_s / ours_s, 2), "size_ratio": round(os.path.getsize(ours) / os.path.getsize(theirs), 3)}]
    for r in res:
        print("  " + json.dumps(r))
    report["parquet"] = res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--parquet-rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--only", default="upload,flat,csv,parquet")
    ap.add_argument("--json-rows", type=int, default=2_000_000)
    ap.add_argument("--json-flat", action="store_true", help="with json: also Inlet's peak RSS at 4x the rows")
    ap.add_argument("--api-records", type=int, default=1_000_000, help="api: records the emulator serves")
    ap.add_argument("--pg-rows", type=int, default=10_000_000, help="postgres: rows of the generated table")
    ap.add_argument("--pg-flat", action="store_true", help="with postgres: also Inlet's peak RSS at 4x the rows")
    ap.add_argument("--skip", default="", help="peers to leave out, e.g. pandas")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    report = {"rows": args.rows, "repeat": args.repeat, "cpus": os.cpu_count()}
    args.inlet = INLET
    steps = {"upload": bench_upload, "flat": bench_flat, "csv": bench_csv, "parquet": bench_parquet, "json": bench_json,
             "api": lambda a, r: bench_api(a, r, run_once, fresh, generate_json, OUT),
             "postgres": lambda a, r: bench_postgres(a, r, measure_side_by_side, row, INLET, OUT)}
    for name in args.only.split(","):
        steps[name](args, report)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(f"\nwrote {os.path.join(OUT, 'results.json')}")


if __name__ == "__main__":
    main()
