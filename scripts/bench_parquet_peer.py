"""pyarrow side of `inlet-bench parquet-write`: builds the same deterministic batch and times
pyarrow.parquet.write_table on one core with SNAPPY. Usage: bench_parquet_peer.py ROWS OUT.parquet"""
import resource
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq


def build(n: int) -> pa.Table:
    i = np.arange(n, dtype=np.int64)
    valid = (i * 48271) % 100 >= 5
    mask = pa.array(~valid)
    qty = pa.array(((i * 7919) % 1000).astype(np.int32), mask=~valid)
    price = pa.array(((i * 2654435761) % 1000000) / 100.0, mask=~valid)
    cat = pc.binary_join_element_wise("cat_", pc.cast(pa.array((i * 31) % 50), pa.string()), "")
    user = pc.binary_join_element_wise("user_", pc.cast(pa.array((i * 2654435761) % 1000000007), pa.string()), "")
    cat = pc.if_else(mask, pa.scalar(None, pa.string()), cat)
    user = pc.if_else(mask, pa.scalar(None, pa.string()), user)
    ts = pa.array(1600000000000000 + i * 1000003, mask=~valid).cast(pa.timestamp("us", tz="UTC"))
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), ("qty", pa.int32()), ("price", pa.float64()),
                        ("category", pa.string()), ("user", pa.string()), ("ts", pa.timestamp("us", tz="UTC"))])
    return pa.Table.from_arrays([pa.array(i), qty, price, cat, user, ts], schema=schema)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    out = sys.argv[2] if len(sys.argv) > 2 else "/tmp/pyarrow-bench.parquet"
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    table = build(n)
    t0, c0 = time.perf_counter(), time.process_time()
    pq.write_table(table, out, compression="snappy")
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    size = __import__("os").path.getsize(out)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f'{{"bench": "parquet-write", "impl": "pyarrow", "rows": {n}, "seconds": {secs:.3f}, "cpu_seconds": {cpu:.3f}, "bytes": {size}, "peak_rss_mb": {rss}}}')


if __name__ == "__main__":
    main()
