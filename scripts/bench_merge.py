"""`scripts/bench merge`: mode merge into a plain partitioned dataset (not a test).

Builds a dataset of ROWS rows in 100 date partitions (ids in time order, `day` = id's
hundredth), then merges 1% changed rows, half updates and half inserts, twice: updates spread
over every id (every partition holds some), and updates among the newest tenth of the ids
(the usual shape: recent rows change). Reports wall time, peak RSS, files rewritten of the
total, and bytes read and written, from the load's `--json`. Each merge starts from a
hard-linked copy of the base (a merge never changes a published file in place).
"""
import json, os, shutil, subprocess


def bench_merge(args, report, run_once, fresh, inlet, out):
    rows = args.merge_rows
    changes = max(2, rows // 100)
    work = os.path.join(out, "merge")
    os.makedirs(work, exist_ok=True)
    base_csv = os.path.join(work, f"base_{rows}.csv")
    per_day = max(1, rows // 100)
    if not os.path.exists(base_csv):
        duck(f"""COPY (SELECT i AS id, DATE '2024-01-01' + ((i - 1) // {per_day})::INT AS day, 'name-' || i AS name,
                 ((hash(i) % 900000) + 100000) / 100 :: DECIMAL(8, 2) AS amount FROM range(1, {rows} + 1) t(i))
                 TO '{base_csv}' (HEADER)""")
    base_lake = os.path.join(work, f"base-lake-{rows}")
    if not os.path.exists(os.path.join(base_lake, "datasets", "m", "_manifest.json")):
        fresh(base_lake)
        secs, rss, _ = run_once([inlet, "upload", base_csv, "--dataset-id", "m", "--store", base_lake, "--partition-col", "day",
                                 "--decimals", "exact", "-q"])
        print(f"  base: {rows:,} rows in 100 partitions, {secs:.1f} s")
    results = []
    print(f"\nmerge {changes:,} changed rows ({changes // 2:,} updates, {changes - changes // 2:,} inserts) into {rows:,} rows, 100 partitions")
    for label, lo in (("updates over all ids", 1), ("updates among the newest tenth", rows - rows // 10 + 1)):
        csv = os.path.join(work, f"changes_{rows}_{lo}.csv")
        if not os.path.exists(csv):
            updates = changes // 2
            duck(f"""COPY (
                SELECT id, DATE '2024-01-01' + ((id - 1) // {per_day})::INT AS day, 'changed-' || id AS name,
                       ((hash(id + 7) % 900000) + 100000) / 100 :: DECIMAL(8, 2) AS amount
                FROM (SELECT {lo} + (hash(i) % ({rows} - {lo} + 1))::BIGINT AS id FROM range(0, {updates * 2}) t(i)
                      GROUP BY id ORDER BY min(i) LIMIT {updates})
                UNION ALL
                SELECT i, DATE '2024-01-01' + 99, 'new-' || i, 1000.00 FROM range({rows} + 1, {rows} + 1 + {changes - updates}) t(i)
                ) TO '{csv}' (HEADER)""")
        lake = os.path.join(work, "lake")
        times, peak, merge = [], 0.0, None
        for _ in range(args.repeat):
            fresh(lake)
            subprocess.run(["cp", "-al", base_lake, lake], check=True)
            secs, rss, stdout = run_once([inlet, "upload", csv, "--dataset-id", "m", "--store", lake, "--partition-col", "day",
                                          "--decimals", "exact", "--mode", "merge", "--primary-key", "id", "--json"])
            times.append(secs)
            peak = max(peak, rss)
            merge = json.loads(stdout)["merge"]
        secs = sorted(times)[len(times) // 2]
        total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(base_lake, "datasets", "m"))
                    for f in fs if f.endswith(".parquet"))
        r = {"case": label, "seconds": round(secs, 2), "peak_rss_mb": round(peak, 1), "dataset_bytes": total, **merge}
        results.append(r)
        print(f"  {label:<32} {secs:6.2f} s {peak:7.1f} MB RSS  files rewritten {merge['files_rewritten'] + merge['files_removed']}/"
              f"{merge['files_total']} (examined {merge['files_examined']})  read {merge['bytes_read'] / 1e6:.1f} MB, "
              f"rewrote {merge['bytes_written'] / 1e6:.1f} MB of {total / 1e6:.1f} MB  "
              f"updated {merge['rows_updated']:,} inserted {merge['rows_inserted']:,}", flush=True)
    report["merge"] = results


def duck(sql):
    import duckdb
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(sql)
