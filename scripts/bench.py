#!/usr/bin/env python3
"""Runs Inlet and its peers side by side and reports ratios (see scripts/bench).

Each measurement is a whole process, timed by wall clock, with its own peak RSS from
wait4(2). Inputs come from scripts/gen/gen_{csv,json}.py (or $INLET_BENCH_GEN[_JSON]), so every
tool sees the same bytes. Results: a table on stdout and bench-out/results.json.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, time

from bench_api import bench_api
from bench_merge import bench_merge
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


# The files bench: objects in a moto S3 server the bench starts and stops. DuckDB 1.4.4 reads
# S3 through httpfs, which only PyPI's duckdb-ext-httpfs wheel brings offline; it and the AWS
# CLI live in a venv of their own (see /work/shared/notes/peers-offline.md).
FILES_VENV = os.path.join(ROOT, ".venv-bench-duck144")
FILES_VENV_PACKAGES = ["duckdb==1.4.4", "duckdb-ext-httpfs==1.4.4.20260205", "awscli", "boto3"]
DUCKDB_S3 = """
import os, sys, duckdb
ext = os.path.abspath(os.path.join(os.path.dirname(duckdb.__file__), "..", "duckdb_ext", "extensions"))
con = duckdb.connect(config={"extension_directory": ext, "autoinstall_known_extensions": False})
con.sql("LOAD httpfs")
e = os.environ
con.execute(f"SET s3_endpoint='{e['AWS_ENDPOINT_URL_S3'].split('//')[1]}'; SET s3_use_ssl=false; SET s3_url_style='path'; "
            f"SET s3_region='{e['AWS_REGION']}'; SET s3_access_key_id='{e['AWS_ACCESS_KEY_ID']}'; SET s3_secret_access_key='{e['AWS_SECRET_ACCESS_KEY']}'")
# JSON types come from every record of the sampled objects; DuckDB samples 32 objects unless
# told otherwise ("all": every object, the whole-input inference Inlet always does).
files = ", maximum_sample_files = -1" if sys.argv[4:] == ["all"] else ""
read = f"read_csv('{sys.argv[1]}')" if sys.argv[3] == "csv" else f"read_json('{sys.argv[1]}', format = 'newline_delimited', sample_size = -1{files})"
con.execute(f"COPY (SELECT * FROM {read}) TO '{sys.argv[2]}' (FORMAT PARQUET)")
"""


def files_venv():
    py = os.path.join(FILES_VENV, "bin", "python")
    if not os.path.exists(os.path.join(FILES_VENV, "bin", "aws")):
        subprocess.run([sys.executable, "-m", "venv", FILES_VENV], check=True)
        subprocess.run([py, "-m", "pip", "install", "-q"] + FILES_VENV_PACKAGES, check=True)
    return py


def files_objects(objects, object_mb, cuts):
    """`objects` gzipped CSV objects (gen_csv.py, usage) and as many NDJSON.gz (gen_json.py),
    each about `object_mb` MB before gzip: one generated file cut into parts on line ends.
    Yields (count, {fmt: objects}) for each count in `cuts`: the same rows cut into that many
    objects (for --files-flat), one count at a time."""
    import gzip
    inputs = {}
    for fmt, bytes_per_row, make in (("csv", 108, lambda rows: generate("usage", rows)), ("json", 445, generate_json)):
        rows_each = int(object_mb * 1e6 / bytes_per_row)
        with open(make(objects * rows_each), "rb") as f:
            header = f.readline() if fmt == "csv" else b""
            if fmt == "json":
                f.seek(0)
            inputs[fmt] = (header, f.read().splitlines(keepends=True))
    for count in cuts:
        parts = {}
        for fmt, (header, lines) in inputs.items():
            each = -(-len(lines) // count)
            parts[fmt] = [gzip.compress(header + b"".join(lines[i * each:(i + 1) * each]), 6) for i in range(count)]
        yield count, parts


def files_flat_cuts(objects):
    """--files-flat: the same rows in a quarter as many objects and in four times as many."""
    return [max(1, objects // 4), objects * 4]


def files_put(objects, object_mb, flat):
    """Makes the objects and puts them in the bucket `landing` (AWS_* name the server): under
    `{fmt}/`, and with `flat` the other cuts under `flat{count}/{fmt}/`. Run in a process of
    its own: the bench's own RSS would otherwise be every child's peak RSS too (ru_maxrss
    survives fork and exec)."""
    import boto3
    from concurrent.futures import ThreadPoolExecutor
    from botocore.config import Config
    s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL_S3"], region_name=os.environ["AWS_REGION"],
                      config=Config(s3={"addressing_style": "path"}))
    cuts = [objects] + (files_flat_cuts(objects) if flat else [])
    with ThreadPoolExecutor(8) as pool:
        for count, parts in files_objects(objects, object_mb, cuts):
            prefix = "" if count == objects else f"flat{count}/"
            for fmt, objs in parts.items():
                ext = "csv.gz" if fmt == "csv" else "jsonl.gz"
                list(pool.map(lambda io: s3.put_object(Bucket="landing", Key=f"{prefix}{fmt}/part-{io[0]:05d}.{ext}", Body=io[1]),
                              enumerate(objs)))


def bench_files(args, report):
    """Many gzipped objects in S3 (moto) into one dataset: `inlet upload 's3://…/*.gz'` beside
    DuckDB httpfs, and beside `aws s3 cp --recursive` + `inlet upload` of the local copies; the
    download alone is the floor."""
    import multiprocessing, socket, boto3
    from botocore.config import Config
    venv_py = files_venv()
    aws = os.path.join(FILES_VENV, "bin", "aws")
    sock = socket.socket(); sock.bind(("127.0.0.1", 0)); port = sock.getsockname()[1]; sock.close()
    state = os.path.join(OUT, "moto-state")
    proxy = None
    env = subprocess.run(["bash", os.path.join(ROOT, "scripts", "start-s3.sh"), str(port), state], check=True,
                         capture_output=True, text=True, env=dict(os.environ, S3_TEST_BUCKET="landing", PYTHON=sys.executable)).stdout
    try:
        for line in env.splitlines():
            name, _, value = line.removeprefix("export ").partition("=")
            if name.startswith("AWS_"):
                os.environ[name] = value.strip("'")
        maker = multiprocessing.get_context("spawn").Process(target=files_put, args=(args.files_objects, args.files_object_mb, args.files_flat))
        maker.start(); maker.join()
        if maker.exitcode != 0:
            sys.exit("files: making the objects failed")
        s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL_S3"], region_name=os.environ["AWS_REGION"],
                          config=Config(s3={"addressing_style": "path"}))
        link = ""
        if args.files_mbps:
            # Every tool measured reads through one link slower than the machine (the objects
            # went in directly): where the network, not the CPU, bounds a load.
            sock = socket.socket(); sock.bind(("127.0.0.1", 0)); proxy_port = sock.getsockname()[1]; sock.close()
            proxy = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "throttle_proxy.py"), str(proxy_port), str(port),
                                      str(args.files_mbps)], stdout=subprocess.PIPE, text=True)
            if proxy.stdout.readline().strip() != "ready":
                sys.exit("files: the throttling proxy did not start")
            os.environ["AWS_ENDPOINT_URL_S3"] = f"http://127.0.0.1:{proxy_port}"
            link = f"/{args.files_mbps:g}MBps"
        for fmt in ("csv", "json"):
            ext = "csv.gz" if fmt == "csv" else "jsonl.gz"
            listed = s3.get_paginator("list_objects_v2").paginate(Bucket="landing", Prefix=fmt + "/")
            sizes = [o["Size"] for page in listed for o in page.get("Contents", [])]
            mb = sum(sizes) / 1e6
            print(f"\nfiles: {len(sizes)} {ext} objects in moto ({mb:.0f} MB gzipped)" + (f", read through a {args.files_mbps:g} MB/s link" if link else ""))
            url = f"s3://landing/{fmt}/*.{ext}"
            store, copies, out = os.path.join(OUT, "lake"), os.path.join(OUT, "copies"), os.path.join(OUT, "peer.parquet")
            upload = [INLET, "upload", url, "--dataset-id", f"bench-files-{fmt}", "--store", store, "-q"]
            local = f"{INLET} upload '{copies}/*.{ext}' --dataset-id bench-files-{fmt} --store '{store}' -q"
            entries = [("inlet upload s3://", upload, store),
                       ("duckdb 1.4.4 httpfs", [venv_py, "-c", DUCKDB_S3, url, out, fmt], out)]
            if fmt == "json":
                # DuckDB's default types JSON from 32 of the objects: a value of another type in
                # a later one fails its load. Also run with every object sampled, Inlet's job.
                entries.append(("duckdb 1.4.4 httpfs, all sampled", [venv_py, "-c", DUCKDB_S3, url, out, fmt, "all"], out))
            entries += [("aws s3 cp + inlet upload", ["sh", "-c", f"rm -rf '{copies}' && {aws} s3 cp --recursive --quiet s3://landing/{fmt}/ '{copies}' && {local}"], store),
                       ("aws s3 cp (download alone)", ["sh", "-c", f"rm -rf '{copies}' && {aws} s3 cp --recursive --quiet s3://landing/{fmt}/ '{copies}'"], None)]
            measured = measure_side_by_side(entries, args.repeat)
            res = []
            for name, _, _ in entries:
                row(res, name, *measured[name], mb, None if name == entries[0][0] else measured[entries[0][0]])
            report[f"files/{fmt}{link}"] = res
            if args.files_flat:
                files_flatness(args, report, fmt, ext, mb, measured["inlet upload s3://"])
    finally:
        if proxy:
            proxy.kill()
            proxy.wait()
        subprocess.run(["bash", os.path.join(ROOT, "scripts", "stop-s3.sh"), state], check=False)


def files_flatness(args, report, fmt, ext, mb, base):
    """Inlet's time and peak RSS on the same rows cut into fewer, larger and more, smaller
    objects: memory should not follow the objects' count or size."""
    store = os.path.join(OUT, "lake")
    res = [{"objects": args.files_objects, "seconds": round(base[0], 2), "peak_rss_mb": round(base[1], 1)}]
    for count in files_flat_cuts(args.files_objects):
        url = f"s3://landing/flat{count}/{fmt}/*.{ext}"
        secs, rss = measure_side_by_side([("inlet", [INLET, "upload", url, "--dataset-id", f"bench-flat-{fmt}", "--store", store, "-q"], store)],
                                         args.repeat)["inlet"]
        res.append({"objects": count, "seconds": round(secs, 2), "peak_rss_mb": round(rss, 1)})
    for r in sorted(res, key=lambda r: r["objects"]):
        print(f"  flatness: {r['objects']:>5} objects of {mb / r['objects']:6.2f} MB gz  {r['seconds']:7.2f} s {r['peak_rss_mb']:8.1f} MB", flush=True)
    report[f"files/{fmt}/flatness"] = res


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
    ap.add_argument("--files-objects", type=int, default=200, help="files: objects of each format in moto")
    ap.add_argument("--merge-rows", type=int, default=10_000_000, help="merge: rows of the Delta table (100 date partitions)")
    ap.add_argument("--merge-spread", choices=["recent", "uniform"], default="recent",
                    help="merge: updated ids from the last 10 days, or from every day")
    ap.add_argument("--peer-only", action="store_true", help="merge: delta-rs alone, on a table delta-rs writes")
    ap.add_argument("--files-object-mb", type=float, default=5, help="files: each object's size before gzip")
    ap.add_argument("--files-mbps", type=float, default=0,
                    help="files: every tool reads the objects through a link of this many MB/s (scripts/throttle_proxy.py)")
    ap.add_argument("--files-flat", action="store_true",
                    help="with files: also Inlet alone on the same rows in a quarter and four times as many objects")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    report = {"rows": args.rows, "repeat": args.repeat, "cpus": os.cpu_count()}
    args.inlet = INLET
    steps = {"upload": bench_upload, "flat": bench_flat, "csv": bench_csv, "parquet": bench_parquet, "json": bench_json,
             "api": lambda a, r: bench_api(a, r, run_once, fresh, generate_json, OUT), "files": bench_files,
             "postgres": lambda a, r: bench_postgres(a, r, measure_side_by_side, row, INLET, OUT),
             "merge": lambda a, r: bench_merge(a, r, INLET, OUT)}
    for name in args.only.split(","):
        steps[name](args, report)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(f"\nwrote {os.path.join(OUT, 'results.json')}")


if __name__ == "__main__":
    main()
