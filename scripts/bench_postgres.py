"""`scripts/bench postgres`: one table of a throwaway local cluster (scripts/start-pg.sh) into
Parquet, Inlet (`inlet pg`) beside DuckDB 1.4.4's postgres scanner, connectorx 0.4.6 + pyarrow,
dlt 1.31's sql_database (pyarrow backend) and pandas read_sql + to_parquet (the old ETL's
stack), in the same run, with one connection and then two. The peers live in .venv-bench-pg,
made on first use from PyPI (DuckDB's postgres extension comes as a wheel, see
/work/shared/notes/peers-offline.md). The table is made by generate_series in SQL: int8 id,
int4, numeric(12,2), ~30-character text, timestamptz, date, bool, uuid and a small jsonb."""
import os, subprocess, sys

from bench_venv import ensure_venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".venv-bench-pg")
VPY = os.path.join(VENV, "bin", "python")
REQS = ["duckdb==1.4.4", "duckdb-ext-postgres==1.4.4.20260205", "connectorx==0.4.6", "pyarrow", "pandas",
        "sqlalchemy", "psycopg2-binary", "dlt[parquet,filesystem]==1.31.0"]

# Each peer reads DATABASE_URL from the environment (no password on a command line) and writes argv[1].
DUCKDB = """import os, sys, duckdb
ext = os.path.abspath(os.path.join(os.path.dirname(duckdb.__file__), "..", "duckdb_ext", "extensions"))
con = duckdb.connect(config={"extension_directory": ext, "autoinstall_known_extensions": False, "threads": int(sys.argv[2])})
con.sql("LOAD postgres_scanner")
dsn = os.environ["DATABASE_URL"].replace("'", "''")
con.execute(f"COPY (FROM postgres_scan('{dsn}', 'public', 'bench')) TO '{sys.argv[1]}' (FORMAT PARQUET)")
"""
CONNECTORX = """import os, sys, connectorx as cx, pyarrow.parquet as pq
n = int(sys.argv[2])
kw = {"partition_on": "id", "partition_num": n} if n > 1 else {}
pq.write_table(cx.read_sql(os.environ["DATABASE_URL"], "select * from bench", return_type="arrow", **kw), sys.argv[1])
"""
# dlt logs a warning per batch: its stderr goes to a file, since bench.py reads a child's pipes
# only after it exits (a full pipe would block dlt forever).
DLT = """import os, sys
os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
os.environ["RUNTIME__LOG_LEVEL"] = "ERROR"
log = os.open(sys.argv[1] + ".log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
os.dup2(log, 2)
import dlt
from dlt.sources.sql_database import sql_table
p = dlt.pipeline(pipeline_name="bench_pg", destination=dlt.destinations.filesystem(sys.argv[1]), dataset_name="bench",
                 pipelines_dir=sys.argv[1] + "-state")
url = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg2://", 1)
p.run(sql_table(credentials=url, table="bench", backend="pyarrow"), loader_file_format="parquet")
"""
PANDAS = """import os, sys, pandas as pd, sqlalchemy as sa
# SQLAlchemy 2.1 would pick psycopg 3; the old ETL ran psycopg2.
url = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg2://", 1)
pd.read_sql("select * from bench", sa.create_engine(url)).to_parquet(sys.argv[1])
"""

TABLE = """
drop table if exists bench;
create table bench (id int8 primary key, qty int4 not null, amount numeric(12,2), label text, created_at timestamptz,
                    day date, flag bool, u uuid, doc jsonb);
insert into bench select g, (g * 7919) % 1000000, ((g * 31) % 10000000) / 100.0,
       'customer ' || substr(md5(g::text), 1, 21), timestamptz '2024-01-01 00:00+00' + g * interval '1 second',
       date '2024-01-01' + (g % 365)::int, g % 3 = 0, md5(g::text)::uuid,
       jsonb_build_object('k', g % 100, 's', 'v' || (g % 7))
from generate_series(1::int8, {rows}) g;
vacuum analyze bench;
"""
GROW = """
insert into bench select g, (g * 7919) % 1000000, ((g * 31) % 10000000) / 100.0,
       'customer ' || substr(md5(g::text), 1, 21), timestamptz '2024-01-01 00:00+00' + g * interval '1 second',
       date '2024-01-01' + (g % 365)::int, g % 3 = 0, md5(g::text)::uuid,
       jsonb_build_object('k', g % 100, 's', 'v' || (g % 7))
from generate_series({first}::int8, {last}) g;
vacuum analyze bench;
"""


class Cluster:
    """scripts/start-pg.sh on a free port; its variables go into this process's environment
    (the children inherit them); stop() stops it by PID."""

    def __init__(self, out):
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        self.state = os.path.join(out, "pg-cluster")
        os.makedirs(out, exist_ok=True)
        os.chmod(out, 0o755)   # initdb runs as user postgres
        env = subprocess.run([os.path.join(ROOT, "scripts", "start-pg.sh"), str(port), self.state],
                             check=True, capture_output=True, text=True).stdout
        for line in env.splitlines():
            if line.startswith("export "):
                k, v = line[len("export "):].split("=", 1)
                os.environ[k] = v.strip("'")
        self.psql = os.path.join(os.environ["INLET_TEST_PG_BIN"], "psql")

    def sql(self, text):
        subprocess.run([self.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1"], input=text, text=True, check=True,
                       stdout=subprocess.DEVNULL)

    def scalar(self, text):
        return subprocess.run([self.psql, "-X", "-qtA", "-c", text], check=True, capture_output=True, text=True).stdout.strip()

    def stop(self):
        subprocess.run([os.path.join(ROOT, "scripts", "stop-pg.sh"), self.state], check=False)


def bench_postgres(args, report, measure_side_by_side, row, inlet, out):
    ensure_venv(VENV, REQS, "import duckdb, connectorx, dlt, pandas, sqlalchemy, psycopg2")
    rows = args.pg_rows
    cluster = Cluster(out)
    try:
        print(f"\npostgres: generating {rows:,} rows (generate_series)", flush=True)
        cluster.sql(TABLE.format(rows=rows))
        # MB/s below is of the table's heap (pg_relation_size), the same bytes for every tool.
        mb = int(cluster.scalar("select pg_relation_size('bench')")) / 1e6
        print(f"postgres: table bench is {mb:.0f} MB", flush=True)
        store = os.path.join(out, "lake")
        peer_out = os.path.join(out, "peer-pg.parquet")
        url = f"postgres://{os.environ['PGUSER']}@127.0.0.1:{os.environ['PGPORT']}/{os.environ['PGDATABASE']}"

        def ours(n):
            return [inlet, "pg", url, "--table", "public.bench", "--dataset-id", "bench-pg", "--store", store, "-q", "--parallel", str(n)]

        skip = set(filter(None, args.skip.split(",")))
        results = {}
        for conns in (1, 2):
            entries = [(f"inlet pg --parallel {conns}", ours(conns), store),
                       (f"duckdb postgres_scan, {conns} thread(s)", [VPY, "-c", DUCKDB, peer_out, str(conns)], peer_out),
                       (f"connectorx + pyarrow, {conns} conn.", [VPY, "-c", CONNECTORX, peer_out, str(conns)], peer_out)]
            if conns == 1:
                entries += [("dlt sql_database (pyarrow)", [VPY, "-c", DLT, os.path.join(out, "dlt-pg")], os.path.join(out, "dlt-pg")),
                            ("pandas read_sql + to_parquet", [VPY, "-c", PANDAS, peer_out], peer_out)]
            entries = [e for e in entries if not any(e[0].startswith(s) for s in skip)]
            print(f"postgres → parquet, {rows:,} rows, {conns} connection(s):", flush=True)
            measured = measure_side_by_side(entries, args.repeat)
            base = measured[entries[0][0]]
            res = []
            for name, _, _ in entries:
                secs, rss = measured[name]
                row(res, name, secs, rss, mb, base if name != entries[0][0] else None)
            results[f"{conns}_connection"] = res
        if args.pg_flat:
            big = rows * 4
            print(f"postgres: growing the table to {big:,} rows for Inlet's peak RSS", flush=True)
            cluster.sql(GROW.format(first=rows + 1, last=big))
            measured = measure_side_by_side([("inlet pg --parallel 1", ours(1), store)], 1)
            secs, rss = measured["inlet pg --parallel 1"]
            res = []
            row(res, f"inlet pg --parallel 1, {big:,} rows", secs, rss, int(cluster.scalar("select pg_relation_size('bench')")) / 1e6)
            results["flat"] = res
        report["postgres"] = {"rows": rows, "table_mb": round(mb, 1), **results}
    finally:
        cluster.stop()
