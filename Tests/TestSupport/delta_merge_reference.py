#!/usr/bin/env python3
"""The expected result of a merge (upsert), computed plainly in Python, for the tests to compare
with what Inlet's `--mode merge --primary-key K` left in a table (read with delta_read.py).

    delta_merge_reference.py --old OLD --changes CHANGES --key id[,id2] [--sort id]

OLD: a Delta table folder (read with deltalake, latest version), a Parquet file or folder, or a
CSV file; or absent/empty (a first load). CHANGES: a Parquet or CSV file; CSV columns that the
old rows also have are read as the old rows' types, so "12.30" meets a decimal as a decimal.
Rule: a change row replaces the old row with the same key, the others are added; when a key
comes more than once in the changes, the last one wins and stderr counts the duplicates. A null
key in the changes is an error naming the row (exit 3), as Inlet must report it.
Output: canonical JSON lines (delta_read.py's rendering), sorted like delta_read.py's.
"""
import argparse, os, sys

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

sys.dont_write_bytecode = True   # no __pycache__ in a SwiftPM target folder
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delta_read import emit  # noqa: E402


def read_rows(path, types=None):
    if os.path.isdir(os.path.join(path, "_delta_log")):
        from deltalake import DeltaTable
        return DeltaTable(path).to_pyarrow_table()
    if path.endswith(".csv") or path.endswith(".csv.gz"):
        convert = pacsv.ConvertOptions(column_types=types or {}, strings_can_be_null=True)
        return pacsv.read_csv(path, convert_options=convert)
    return pq.read_table(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", help="the table's rows before the merge (absent: none)")
    ap.add_argument("--changes", required=True)
    ap.add_argument("--key", required=True, type=lambda s: [c for c in s.split(",") if c])
    ap.add_argument("--sort", type=lambda s: [c for c in s.split(",") if c], default=[])
    args = ap.parse_args()

    old = read_rows(args.old) if args.old and os.path.exists(args.old) else None
    types = {f.name: f.type for f in old.schema} if old is not None else None
    changes = read_rows(args.changes, types)
    for name in args.key:
        if name not in changes.column_names:
            print(f"delta_merge_reference: the changes have no key column '{name}'", file=sys.stderr)
            sys.exit(2)

    merged, duplicates = {}, 0
    if old is not None:
        for row in old.to_pylist():
            merged[tuple(row[k] for k in args.key)] = row
    seen = set()
    for number, row in enumerate(changes.to_pylist(), start=1):
        key = tuple(row[k] for k in args.key)
        if any(v is None for v in key):
            null = [k for k in args.key if row[k] is None]
            print(f"delta_merge_reference: {args.changes}: row {number}: null key column {', '.join(null)}", file=sys.stderr)
            sys.exit(3)
        if key in seen:
            duplicates += 1
        seen.add(key)
        merged[key] = row
    if duplicates:
        print(f"delta_merge_reference: {duplicates} duplicate key{'s' if duplicates > 1 else ''} in the changes; "
              "the last of each wins", file=sys.stderr)

    # Columns either side lacks are null, as a merge into a wider (or narrower) schema reads.
    names = list(dict.fromkeys((old.column_names if old is not None else []) + changes.column_names))
    emit(({n: row.get(n) for n in names} for row in merged.values()), args.sort)


if __name__ == "__main__":
    main()
