/// Calls `body` for each tile of up to 512 rows of a chunk (`rows` rows of `width` fields,
/// `bounds` as in `FieldChunk`), after one sequential sweep of the tile's bytes into cache.
///
/// A 4 MiB block has left L2 by the time it is observed or converted, and fields a row apart
/// are a stride the prefetcher does not run ahead of; a sweep reading one byte per 64-byte line
/// it does stream, and the column passes that follow hit the cache (docs/PERFORMANCE.md). Tiles keep a tile's bounds and bytes in cache while each column walks it.
@inline(__always)
func forEachRowTile(rows: Int, width: Int, base: UnsafePointer<UInt8>, bounds: UnsafeBufferPointer<Int32>,
                    _ body: (Range<Int>) -> Void) {
    var sum: UInt8 = 0
    var start = 0
    while start < rows {
        let end = min(rows, start + 512)
        var i = Int(bounds[start * width])
        let stop = Int(bounds[end * width])
        while i < stop {
            sum &+= base[i]
            i += 64
        }
        body(start ..< end)
        start = end
    }
    keepWarm(sum)
}

/// Consumes the sweep's sum, so its reads are not optimized away.
@inline(never) @_optimize(none)
private func keepWarm(_ value: UInt8) {}
