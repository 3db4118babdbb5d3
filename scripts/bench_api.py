"""`scripts/bench api`: records from the project's API emulator on loopback (cursor pages of
1,000) into Parquet, Inlet (`inlet run`, kind: api) beside dlt's rest_api source. Reports
records/s, peak RSS and the emulator's own CPU seconds during each run, so a slow server is
not mistaken for a slow client. dlt lives in its own venv (.venv-bench-dlt), made on first use.
`--skip dlt` runs Inlet alone and compares it with dlt's last measured run (kept in
bench-out/api-dlt-last.json), as dlt takes minutes per million records."""
import json, os, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMULATOR = os.path.join(ROOT, "Tests", "TestSupport", "api_emulator.py")
DLT_VENV = os.path.join(ROOT, ".venv-bench-dlt")
DLT_PY = os.path.join(DLT_VENV, "bin", "python")
DLT_SCRIPT = os.path.join(ROOT, "scripts", "bench_api_dlt.py")
TICKS = os.sysconf("SC_CLK_TCK")


def ensure_dlt():
    if os.path.exists(DLT_PY) and subprocess.run([DLT_PY, "-c", "import dlt"], capture_output=True).returncode == 0:
        return
    print("installing dlt 1.31 into .venv-bench-dlt (once)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", DLT_VENV], check=True)
    subprocess.run([DLT_PY, "-m", "pip", "install", "-q", "dlt[parquet,filesystem]==1.31.0"], check=True)


class Emulator:
    """api_emulator.py serving `records_file` at /records; stops when its stdin closes."""

    def __init__(self, out, records_file, page_size):
        config = os.path.join(out, "emulator.json")
        with open(config, "w") as f:
            json.dump({"resources": {"/records": {"file": records_file, "page_size": page_size}}}, f)
        self.proc = subprocess.Popen([sys.executable, EMULATOR, config, os.path.join(out, "emulator.log")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("PORT "):
            sys.exit(f"the API emulator did not start: {line!r}")
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS   # utime + stime

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def bench_api(args, report, run_once, fresh, generate_json, out_dir):
    records = args.api_records
    skip_dlt = "dlt" in args.skip.split(",")
    last_dlt_path = os.path.join(out_dir, f"api-dlt-last-{records}.json")
    if not skip_dlt:
        ensure_dlt()
    src = generate_json(records)
    work = fresh(os.path.join(out_dir, "api"))
    os.makedirs(work)
    print(f"\nREST API → parquet: {records} records in cursor pages of 1000 from the emulator", flush=True)
    t0 = time.perf_counter()
    emulator = Emulator(work, src, 1000)
    print(f"  emulator ready in {time.perf_counter() - t0:.1f} s at {emulator.url}", flush=True)
    try:
        config = os.path.join(work, "inlet.yaml")
        with open(config, "w") as f:
            f.write(f"store: {os.path.join(work, 'lake')}\npipelines:\n  - name: records\n    kind: api\n    api:\n"
                    f"      base_url: {emulator.url}\n      resource:\n        path: /records\n        records: data\n"
                    f"        paginator: {{type: cursor, cursor_path: next_cursor, cursor_param: cursor}}\n")
        entries = [("inlet", [args.inlet, "run", "records", "--config", config, "--json"], os.path.join(work, "lake")),
                   ("dlt rest_api", [DLT_PY, DLT_SCRIPT, emulator.url, os.path.join(work, "dlt-out")], os.path.join(work, "dlt-out"))]
        if skip_dlt:
            entries = entries[:1]
        runs = {name: [] for name, _, _ in entries}
        for _ in range(args.repeat):
            for name, cmd, output in entries:
                before = emulator.cpu_seconds()
                wall, rss, stdout = run_once(cmd, output=output)
                runs[name].append((wall, rss, emulator.cpu_seconds() - before, loaded(name, stdout)))
        res = []
        base = None
        if skip_dlt:
            if not os.path.exists(last_dlt_path):
                sys.exit(f"--skip dlt needs a measured dlt run first ({last_dlt_path} is missing)")
            with open(last_dlt_path) as f:
                last = json.load(f)
            print(f"  dlt rest_api: not run; its last measured run ({last['when']}) is shown", flush=True)
            runs["dlt rest_api (last run)"] = [(last["seconds"], last["peak_rss_mb"], last["emulator_cpu_s"], records)]
        for name in runs:
            rs = sorted(runs[name])
            wall, _, server_cpu, count = rs[len(rs) // 2]
            rss = max(r[1] for r in rs)
            if count != records:
                sys.exit(f"{name} loaded {count} records, not {records}")
            if name == "dlt rest_api":
                with open(last_dlt_path, "w") as f:
                    json.dump({"seconds": wall, "peak_rss_mb": rss, "emulator_cpu_s": server_cpu,
                               "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}, f)
            r = {"tool": name, "seconds": round(wall, 2), "records_per_s": round(records / wall), "peak_rss_mb": round(rss, 1),
                 "emulator_cpu_s": round(server_cpu, 2)}
            if base:
                r["inlet_speedup"] = round(wall / base[0], 2)
                r["rss_ratio"] = round(rss / base[1], 2)
            else:
                base = (wall, rss)
            res.append(r)
            extra = f"  inlet {r['inlet_speedup']:.2f}x the records/s, peer RSS {r['rss_ratio']:.2f}x" if "inlet_speedup" in r else ""
            print(f"  {name:<14} {wall:7.2f} s {r['records_per_s']:>9} rec/s {rss:8.1f} MB  emulator CPU {server_cpu:6.2f} s{extra}", flush=True)
        report["api"] = res
    finally:
        emulator.stop()


def loaded(name, stdout):
    """Records each tool says it loaded: Inlet's `--json` rows, dlt's normalize row count."""
    text = stdout.decode().strip()
    if name == "inlet":
        return sum(p.get("rows") or 0 for p in json.loads(text))
    return int(text.splitlines()[-1])
