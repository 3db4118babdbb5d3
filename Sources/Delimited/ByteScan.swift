// SIMD byte scans shared by the splitter, parser and UTF-8 validator. Kept concrete
// (SIMD32<UInt8>, no generics): generic SIMD code runs ~100x slower here.

let byteLF: UInt8 = 0x0A
let byteCR: UInt8 = 0x0D

/// Bytes of zero padding kept after every buffer a scan may read past its end.
let scanPadding = 64

/// Bit i set when lane i of `mask` is true (lanes are 0x00 or 0xFF).
@inline(__always)
func bitmask(_ lanes: SIMD32<UInt8>) -> UInt32 {
    // Keep one weight bit per lane, then sum each group of 8 lanes with a multiply:
    // the weights are distinct powers of two, so the sum never carries between bytes.
    let weights = SIMD32<UInt8>(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128,
                                1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128)
    let w = unsafeBitCast(lanes & weights, to: SIMD4<UInt64>.self)
    let m: UInt64 = 0x0101_0101_0101_0101
    let b0 = (w[0] &* m) >> 56, b1 = (w[1] &* m) >> 56
    let b2 = (w[2] &* m) >> 56, b3 = (w[3] &* m) >> 56
    return UInt32(truncatingIfNeeded: b0 | (b1 << 8) | (b2 << 16) | (b3 << 24))
}

@inline(__always)
func lanes(_ v: SIMD32<UInt8>, equal b: UInt8) -> SIMD32<UInt8> {
    unsafeBitCast(v .== SIMD32<UInt8>(repeating: b), to: SIMD32<UInt8>.self)
}

@inline(__always)
func load32(_ p: UnsafePointer<UInt8>) -> SIMD32<UInt8> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD32<UInt8>.self)
}

/// Physical line ends in `p[0..<n]`: every LF, and every CR not followed by LF.
/// Reads `p[n]` (the caller guarantees one readable byte after the range).
func countLineEnds(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
    var total = 0
    var i = 0
    let lf = SIMD32<UInt8>(repeating: byteLF), cr = SIMD32<UInt8>(repeating: byteCR)
    let one = SIMD32<UInt8>(repeating: 1)
    while i + 32 <= n {
        var acc = SIMD32<UInt8>()
        var rounds = 0
        while i + 32 <= n && rounds < 255 {
            let v = load32(p + i)
            let next = load32(p + i + 1)
            let isLF = unsafeBitCast(v .== lf, to: SIMD32<UInt8>.self)
            let loneCR = unsafeBitCast((v .== cr) .& (next .!= lf), to: SIMD32<UInt8>.self)
            acc &+= (isLF | loneCR) & one
            i += 32
            rounds += 1
        }
        total += Int(SIMD32<UInt16>(truncatingIfNeeded: acc).wrappedSum())
    }
    while i < n {
        let c = p[i]
        if c == byteLF || (c == byteCR && p[i + 1] != byteLF) { total += 1 }
        i += 1
    }
    return total
}

/// Index of the first byte in `p[from..<n]` equal to a, b or c, or n. May read up to 32
/// bytes past `n` (padding).
@inline(__always)
func firstOf3(_ p: UnsafePointer<UInt8>, from: Int, _ n: Int, _ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int {
    var i = from
    while i < n {
        let v = load32(p + i)
        let m = bitmask(lanes(v, equal: a) | lanes(v, equal: b) | lanes(v, equal: c))
        if m != 0 { return min(i + m.trailingZeroBitCount, n) }
        i += 32
    }
    return n
}

/// True when no byte in `p[0..<n]` has the high bit set (reads only inside the range).
func isASCII(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    let high = SIMD32<UInt8>(repeating: 0x80)
    while i + 32 <= n {
        var acc = load32(p + i)
        var j = i + 32
        while j + 32 <= n && j - i < 1024 { acc |= load32(p + j); j += 32 }
        if (acc & high) != SIMD32<UInt8>() { return false }
        i = j
    }
    while i < n { if p[i] >= 0x80 { return false }; i += 1 }
    return true
}
