/// Whether `a[0..<n]` equals `b[0..<n]`. Field names are short, and both walkers compare one
/// for every key: two overlapping word loads beat a call to memcmp.
@inline(__always)
func sameBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    let (ra, rb) = (UnsafeRawPointer(a), UnsafeRawPointer(b))
    switch n {
    case 0:
        return true
    case 1 ... 3:
        return a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1]
    case 4 ... 8:
        return ra.loadUnaligned(as: UInt32.self) == rb.loadUnaligned(as: UInt32.self)
            && ra.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == rb.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
    case 9 ... 16:
        return ra.loadUnaligned(as: UInt64.self) == rb.loadUnaligned(as: UInt64.self)
            && ra.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    default:
        var i = 0
        while i + 8 <= n {
            guard ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) else { return false }
            i += 8
        }
        return i == n || ra.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    }
}
