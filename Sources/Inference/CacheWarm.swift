/// Reads one byte per 64-byte line of `count` bytes at `start`, in order, and returns their
/// sum (kept by `keepWarm`, so the reads are not optimized away). A 4 MiB block has left L2
/// by the time it is converted, and the first column of each row tile then stalls on every
/// field's first byte (~80% of the int64 fill's samples in perf): fields are a row apart, a
/// stride the prefetcher does not run ahead of. One sequential sweep it does stream.
@inline(__always)
func warmCache(_ start: UnsafePointer<UInt8>, _ count: Int) -> UInt8 {
    var sum: UInt8 = 0
    var i = 0
    while i < count {
        sum &+= start[i]
        i += 64
    }
    return sum
}

/// Consumes `warmCache`'s result.
@inline(never) @_optimize(none)
func keepWarm(_ value: UInt8) {}
