# Canonical JSON of Arrow data, for comparing a peer's reading of a Parquet file with ours:
# scalars as ParquetInteropTests.canonical spells them (exact integers, float bit patterns,
# unscaled decimals, dates as day numbers, timestamps and times as microseconds, UUIDs as hex),
# lists as arrays,
# structs as arrays of their fields in order, maps as arrays of [key, value].
import json, math, struct, sys
import pyarrow as pa, pyarrow.parquet as pq, pyarrow.compute as pc

def scalars(arr):
    if isinstance(arr.type, pa.BaseExtensionType):   # arrow.uuid, arrow.json: their storage
        arr = arr.storage
    t = arr.type
    if pa.types.is_time(t):
        mult = {"s": 1000000, "ms": 1000, "us": 1}.get(t.unit)
        return [None if v is None else str(v * mult if mult else v // 1000) for v in arr.cast(pa.int32() if t.bit_width == 32 else pa.int64()).to_pylist()]
    if pa.types.is_null(t):
        return [None] * len(arr)
    if pa.types.is_timestamp(t):
        mult = {"s": 1000000, "ms": 1000, "us": 1}.get(t.unit)
        return [None if v is None else str(v * mult if mult else v // 1000) for v in arr.cast(pa.int64()).to_pylist()]
    if pa.types.is_date32(t):
        return [None if v is None else str(v) for v in arr.cast(pa.int32()).to_pylist()]
    vals = arr.to_pylist()
    if pa.types.is_decimal(t):
        out = []
        for d in vals:
            if d is None: out.append(None); continue
            sign, digits, exp = d.as_tuple()
            n = int("".join(map(str, digits)) or "0") * 10 ** (exp + t.scale)
            out.append(str(-n if sign else n))
        return out
    if pa.types.is_floating(t):
        fmt = "<f" if t == pa.float32() else "<d"
        return [None if v is None else ("nan" if math.isnan(v) else struct.pack(fmt, v).hex()) for v in vals]
    if pa.types.is_boolean(t):
        return [None if v is None else ("true" if v else "false") for v in vals]
    if pa.types.is_integer(t):
        return [None if v is None else str(v) for v in vals]
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t) or str(t) == "binary_view":
        return [None if v is None else v.hex() for v in vals]
    return vals

def canon(arr):
    """One JSON value per slot of an Arrow array, nested ones recursively."""
    t = arr.type
    valid = arr.is_valid().to_pylist()
    if pa.types.is_map(t):
        offs = arr.offsets.to_pylist()
        keys, items = canon(arr.keys), canon(arr.items)
        return [[[keys[j], items[j]] for j in range(offs[i], offs[i + 1])] if valid[i] else None for i in range(len(arr))]
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        offs = arr.offsets.to_pylist()
        vals = canon(arr.values)
        return [vals[offs[i]:offs[i + 1]] if valid[i] else None for i in range(len(arr))]
    if pa.types.is_struct(t):
        fields = [canon(arr.field(k)) for k in range(t.num_fields)]
        return [[f[i] for f in fields] if valid[i] else None for i in range(len(arr))]
    return scalars(arr)

def dump(table):
    return {"types": [str(f.type) for f in table.schema], "names": table.schema.names,
            "columns": [canon(c.combine_chunks() if c.num_chunks else pa.array([], c.type)) for c in table.columns]}
