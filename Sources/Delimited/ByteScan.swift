// Byte scans shared by the splitter, parser and validators. On x86-64 they use SSE2
// compare + movemask intrinsics directly: Swift's SIMDMask operators compiled to
// lane-by-lane loops here (~10x slower). Other architectures use the scalar fallback.
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

let byteLF: UInt8 = 0x0A
let byteCR: UInt8 = 0x0D

/// Bytes of zero padding kept after every buffer a scan may read past its end.
let scanPadding = 64

#if arch(x86_64)
@inline(__always)
private func load16(_ p: UnsafePointer<UInt8>) -> __m128i {
    unsafeBitCast(UnsafeRawPointer(p).loadUnaligned(as: SIMD16<UInt8>.self), to: __m128i.self)
}

@inline(__always)
private func splat(_ b: UInt8) -> __m128i { _mm_set1_epi8(Int8(bitPattern: b)) }

@inline(__always)
private func movemask(_ v: __m128i) -> UInt32 { UInt32(truncatingIfNeeded: _mm_movemask_epi8(v)) }
#endif

/// Bit i set when p[i] == a, for i in 0..<32.
@inline(__always)
func mask32(_ p: UnsafePointer<UInt8>, _ a: UInt8) -> UInt32 {
    #if arch(x86_64)
    let va = splat(a)
    return movemask(_mm_cmpeq_epi8(load16(p), va)) | movemask(_mm_cmpeq_epi8(load16(p + 16), va)) << 16
    #else
    var m: UInt32 = 0
    for i in 0..<32 where p[i] == a { m |= 1 << UInt32(i) }
    return m
    #endif
}

/// Bit i set when p[i] is a, b or c, for i in 0..<32.
@inline(__always)
func mask32(_ p: UnsafePointer<UInt8>, _ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt32 {
    #if arch(x86_64)
    let va = splat(a), vb = splat(b), vc = splat(c)
    let lo = load16(p), hi = load16(p + 16)
    let mlo = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(lo, va), _mm_cmpeq_epi8(lo, vb)), _mm_cmpeq_epi8(lo, vc))
    let mhi = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(hi, va), _mm_cmpeq_epi8(hi, vb)), _mm_cmpeq_epi8(hi, vc))
    return movemask(mlo) | movemask(mhi) << 16
    #else
    var m: UInt32 = 0
    for i in 0..<32 where p[i] == a || p[i] == b || p[i] == c { m |= 1 << UInt32(i) }
    return m
    #endif
}

/// Bit i set when p[i] >= 0x80, for i in 0..<32.
@inline(__always)
func highBits32(_ p: UnsafePointer<UInt8>) -> UInt32 {
    #if arch(x86_64)
    return movemask(load16(p)) | movemask(load16(p + 16)) << 16
    #else
    var m: UInt32 = 0
    for i in 0..<32 where p[i] >= 0x80 { m |= 1 << UInt32(i) }
    return m
    #endif
}

/// Physical line ends in `p[0..<n]`: every LF, and every CR not followed by LF.
/// Reads `p[n]` (the caller guarantees one readable byte after the range).
func countLineEnds(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
    var total = 0
    var i = 0
    while i + 32 <= n {
        let lf = mask32(p + i, byteLF)
        let cr = mask32(p + i, byteCR)
        let nextIsLF: UInt32 = p[i + 32] == byteLF ? 1 << 31 : 0
        total += lf.nonzeroBitCount + (cr & ~((lf >> 1) | nextIsLF)).nonzeroBitCount
        i += 32
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
        let m = mask32(p + i, a, b, c)
        if m != 0 { return min(i + m.trailingZeroBitCount, n) }
        i += 32
    }
    return n
}

/// True when no byte in `p[0..<n]` has the high bit set (reads only inside the range).
func isASCII(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    while i + 32 <= n {
        if highBits32(p + i) != 0 { return false }
        i += 32
    }
    while i < n { if p[i] >= 0x80 { return false }; i += 1 }
    return true
}

/// Copies 32 bytes from `src` to `dst` (both must have 32 accessible bytes).
@inline(__always)
func copy32(_ dst: UnsafeMutablePointer<UInt8>, _ src: UnsafePointer<UInt8>) {
    UnsafeMutableRawPointer(dst).storeBytes(of: UnsafeRawPointer(src).loadUnaligned(as: SIMD32<UInt8>.self), as: SIMD32<UInt8>.self)
}
