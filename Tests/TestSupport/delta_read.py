#!/usr/bin/env python3
"""Reads a Delta table with one real reader and prints it as canonical JSON lines, so that the
tests can compare readers with each other and with what was loaded.

    delta_read.py URI --reader deltalake|polars|duckdb [--version N] [--columns a,b] [--sort a,b]
    delta_read.py URI --history      (deltalake: one line per version, oldest first)
    delta_read.py URI --files        (deltalake: the active files, partition values and stats)

URI is a local table folder or s3://bucket/datasets/id. For S3 the moto server is named by the
environment scripts/test exports: AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL), AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_REGION. Nothing secret is printed, not even in errors.

One row per line: a JSON object with sorted keys. Values: integers as JSON numbers, floats as
JSON numbers (repr), decimals as strings with their scale ("12.30"), dates ISO ("2024-01-31"),
timestamps with microseconds, "Z" for Delta `timestamp` (UTC-adjusted) and no zone for
`timestamp_ntz`, binary as hex, structs as objects, lists as arrays, maps as objects keyed by the
key's text. Lines are sorted by the --sort columns (then by the whole line), else by the line.

What each reader can do here (measured with deltalake 1.6.6, polars 2.1.0, DuckDB 1.4.4 with
duckdb-ext-delta 1.4.4.20260205, on local folders and on moto 5.2.5):
- deltalake: rows (read by its DataFusion engine, QueryBuilder), --version (time travel),
  --history, --files; local and S3 (AWS_ALLOW_HTTP).
- polars (read_delta, which calls deltalake): rows and --version; local and S3; maps arrive as
  polars Map values and print like the others. No --history or --files of its own (exit 3).
- duckdb (1.4.4): rows with `delta_scan(uri)`; --version with `ATTACH uri AS t (TYPE delta)`
  and `SELECT … FROM t AT (VERSION => N)`: 1.4.4's delta_scan has no version parameter (its
  binder refuses one) and takes no AT clause (a parse error). Local and S3, through an S3
  SECRET (ENDPOINT host:port, URL_STYLE 'path', USE_SSL false). No --history or --files
  (exit 3). DuckDB runs from the DuckDB 1.4.4 venv ($INLET_TEST_DUCKDB144_PYTHON, else the
  repository's .venv-test-duck144): when this script runs in another Python, it re-runs itself there.
All three read tables with checkpoints (delta_read_check.py makes one at version 10).
Exit codes: 0 printed; 2 usage; 3 the reader cannot do what was asked; 1 the reader failed (its
error on stderr).
"""
import argparse, datetime, decimal, json, os, re, subprocess, sys

UNSUPPORTED = 3


def one_line(error):
    """A reader's error as one line, without the colour codes delta-rs puts in it."""
    return f"{type(error).__name__}: " + " ".join(re.sub(r"\x1b\[[0-9;]*m", "", str(error)).split())


def unsupported(message):
    print(f"delta_read: {message}", file=sys.stderr)
    sys.exit(UNSUPPORTED)


def canonical(value):
    """A JSON-ready value whose text is the same whichever reader produced it."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            return value.isoformat(timespec="microseconds")
        return value.astimezone(datetime.timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, dict):
        # DuckDB gives a MAP as {"key": [...], "value": [...]}: only maps come that way.
        if set(value) == {"key", "value"} and isinstance(value["key"], list) and isinstance(value["value"], list):
            return {str(canonical(k)): canonical(v) for k, v in zip(value["key"], value["value"])}
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        # pyarrow gives a map as a list of (key, value) tuples.
        if value and all(isinstance(e, tuple) and len(e) == 2 for e in value):
            return {str(canonical(k)): canonical(v) for k, v in value}
        return [canonical(v) for v in value]
    raise TypeError(f"no canonical form for {type(value).__name__}: {value!r}")


def sort_key(value):
    """Nulls first, then numbers by value, then everything else by its JSON text (ISO dates and
    timestamps sort as text correctly; decimals are strings, so they go by value too)."""
    if value is None:
        return (0, 0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (1, value, "")
    if isinstance(value, str):
        try:
            return (1, decimal.Decimal(value), "")
        except decimal.InvalidOperation:
            pass
    return (2, 0, json.dumps(value, sort_keys=True))


def emit(rows, sort_columns):
    """Prints the rows as sorted canonical JSON lines."""
    lines = []
    for row in rows:
        row = {k: canonical(v) for k, v in row.items()}
        key = tuple(sort_key(row.get(c)) for c in sort_columns)
        lines.append((key, json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)))
    lines.sort()
    out = sys.stdout
    for _, line in lines:
        out.write(line + "\n")


def s3_env():
    e = os.environ
    endpoint = e.get("AWS_ENDPOINT_URL_S3") or e.get("AWS_ENDPOINT_URL")
    missing = [n for n in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION") if not e.get(n)]
    if not endpoint or missing:
        print(f"delta_read: an s3:// table needs AWS_ENDPOINT_URL_S3 and {', '.join(missing) or 'the keys'}", file=sys.stderr)
        sys.exit(2)
    return endpoint, e["AWS_ACCESS_KEY_ID"], e["AWS_SECRET_ACCESS_KEY"], e["AWS_REGION"]


def delta_storage_options(uri):
    if not uri.startswith("s3://"):
        return None
    endpoint, key, secret, region = s3_env()
    return {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_REGION": region, "AWS_ALLOW_HTTP": "true" if endpoint.startswith("http://") else "false",
            # moto (and a lake named by path) wants path-style URLs.
            "AWS_VIRTUAL_HOSTED_STYLE_REQUEST": "false"}


def open_deltalake(args):
    from deltalake import DeltaTable
    return DeltaTable(args.uri, version=args.version, storage_options=delta_storage_options(args.uri))


def read_deltalake(args):
    # Through delta-rs's own engine (DataFusion): to_pyarrow_table on S3 aborted the process at
    # exit ("terminate called without an active exception") in about 1 run of 10.
    import pyarrow as pa
    from deltalake import QueryBuilder
    table = open_deltalake(args)
    columns = ", ".join(quoted(c) for c in args.columns) if args.columns else "*"
    batches = QueryBuilder().register("t", table).execute(f"SELECT {columns} FROM t").read_all()
    return pa.table(batches).to_pylist()


def quoted(name):
    return '"' + name.replace('"', '""') + '"'


def read_polars(args):
    import polars as pl
    frame = pl.read_delta(args.uri, version=args.version, columns=args.columns,
                          storage_options=delta_storage_options(args.uri))
    return frame.to_dicts()


def sql_text(s):
    return "'" + s.replace("'", "''") + "'"


def read_duckdb(args):
    import duckdb
    if duckdb.__version__ != "1.4.4":
        return None   # the caller re-runs this script in the DuckDB 1.4.4 venv
    ext = os.path.abspath(os.path.join(os.path.dirname(duckdb.__file__), "..", "duckdb_ext", "extensions"))
    con = duckdb.connect(config={"extension_directory": ext, "autoinstall_known_extensions": False,
                                 "autoload_known_extensions": False})
    con.execute("LOAD delta")
    con.execute("SET TimeZone = 'UTC'")
    uri = args.uri
    if uri.startswith("s3://"):
        con.execute("LOAD httpfs")
        endpoint, key, secret, region = s3_env()
        host = endpoint.split("://", 1)[1].rstrip("/")
        con.execute(f"CREATE SECRET inlet_s3 (TYPE s3, KEY_ID {sql_text(key)}, SECRET {sql_text(secret)}, "
                    f"REGION {sql_text(region)}, ENDPOINT {sql_text(host)}, URL_STYLE 'path', "
                    f"USE_SSL {'false' if endpoint.startswith('http://') else 'true'})")
    else:
        uri = "file://" + os.path.abspath(uri)
    columns = ", ".join(quoted(c) for c in args.columns) if args.columns else "*"
    if args.version is None:
        cursor = con.execute(f"SELECT {columns} FROM delta_scan({sql_text(uri)})")
    else:   # 1.4.4's delta_scan takes no version ("Invalid named parameter"); an attached table does
        con.execute(f"ATTACH {sql_text(uri)} AS t (TYPE delta)")
        cursor = con.execute(f"SELECT {columns} FROM t AT (VERSION => {int(args.version)})")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def rerun_in_duckdb144():
    """DuckDB's delta extension exists for 1.4.4 only, which lives in a venv of its own."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    python = os.environ.get("INLET_TEST_DUCKDB144_PYTHON") or os.path.join(root, ".venv-test-duck144", "bin", "python")
    if not os.path.exists(python):
        unsupported("--reader duckdb needs DuckDB 1.4.4 with duckdb-ext-delta: set INLET_TEST_DUCKDB144_PYTHON "
                    "(scripts/setup --test makes .venv-test-duck144)")
    if os.environ.get("INLET_DELTA_READ_RERUN"):   # already re-run there: its duckdb is not 1.4.4
        unsupported(f"{python} does not have duckdb 1.4.4 with duckdb-ext-delta")
    env = dict(os.environ, INLET_DELTA_READ_RERUN="1")
    sys.exit(subprocess.call([python, os.path.abspath(__file__)] + sys.argv[1:], env=env))


def history(args):
    if args.reader != "deltalake":
        unsupported(f"--history: {args.reader} has no history of its own; use --reader deltalake")
    table = open_deltalake(args)
    for entry in sorted(table.history(), key=lambda e: e["version"]):
        line = {"version": entry["version"], "operation": entry.get("operation"),
                "timestamp": canonical(datetime.datetime.fromtimestamp(entry["timestamp"] / 1000, datetime.timezone.utc)),
                "operationParameters": entry.get("operationParameters"), "operationMetrics": entry.get("operationMetrics")}
        for k in ("engineInfo", "clientVersion"):
            if k in entry:
                line[k] = entry[k]
        # Whatever else the writer put in its commitInfo (Inlet: its version, run id, rows).
        extra = {k: v for k, v in entry.items() if k not in line and k != "timestamp"}
        if extra:
            line["other"] = extra
        print(json.dumps(canonical(line), sort_keys=True, separators=(",", ":")))


def files(args):
    if args.reader != "deltalake":
        unsupported(f"--files: {args.reader} does not list a version's files; use --reader deltalake")
    import pyarrow as pa
    table = open_deltalake(args)
    actions = pa.table(table.get_add_actions(flatten=False))
    rows = []
    for a in actions.to_pylist():
        rows.append({"path": a["path"], "size": a["size_bytes"], "partitionValues": a.get("partition") or {},
                     "numRecords": a.get("num_records"), "nullCount": a.get("null_count"),
                     "minValues": a.get("min"), "maxValues": a.get("max")})
    emit(rows, ["path"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("uri")
    ap.add_argument("--reader", choices=["deltalake", "polars", "duckdb"], default="deltalake")
    ap.add_argument("--version", type=int)
    ap.add_argument("--columns", type=lambda s: [c for c in s.split(",") if c])
    ap.add_argument("--sort", type=lambda s: [c for c in s.split(",") if c], default=[])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--history", action="store_true")
    mode.add_argument("--files", action="store_true")
    args = ap.parse_args()
    if args.history or args.files:
        try:
            return (history if args.history else files)(args)
        except Exception as e:
            print(f"delta_read: deltalake could not read {args.uri}: {one_line(e)}", file=sys.stderr)
            sys.exit(1)
    if args.reader == "duckdb":
        try:
            import duckdb
            ok = duckdb.__version__ == "1.4.4"
        except ImportError:
            ok = False
        if not ok:
            rerun_in_duckdb144()
    try:
        rows = {"deltalake": read_deltalake, "polars": read_polars, "duckdb": read_duckdb}[args.reader](args)
    except Exception as e:   # one line, as every failure in this project
        print(f"delta_read: {args.reader} could not read {args.uri}"
              f"{'' if args.version is None else f' at version {args.version}'}: {one_line(e)}", file=sys.stderr)
        sys.exit(1)
    emit(rows, args.sort)


if __name__ == "__main__":
    main()
