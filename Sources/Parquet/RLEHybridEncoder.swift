/// The RLE / bit-packing hybrid encoder (Encodings.md), for definition levels and dictionary indices.
///
/// Values are gathered in groups of eight. Eight or more equal values in a row become an
/// RLE run; anything else is bit-packed, and consecutive bit-packed groups share one header
/// (up to 63 groups, so the header stays one byte).
struct RLEHybridEncoder {
    let bitWidth: Int
    private(set) var out: [UInt8] = []
    private var buffered = (UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0))
    private var numBuffered = 0
    private var previous: UInt32 = 0
    private var repeatCount = 0
    private var groupCount = 0
    private var headerPos = -1

    init(bitWidth: Int, capacity: Int = 0) {
        self.bitWidth = bitWidth
        out.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func put(_ v: UInt32) {
        if v == previous {
            repeatCount += 1
            if repeatCount >= 8 { return }
        } else {
            if repeatCount >= 8 { writeRLERun() }
            repeatCount = 1
            previous = v
        }
        withUnsafeMutableBytes(of: &buffered) { $0.storeBytes(of: v, toByteOffset: numBuffered * 4, as: UInt32.self) }
        numBuffered += 1
        if numBuffered == 8 { writeBitPackedGroup() }
    }

    /// Appends `count` copies of `v` quickly when the run is long.
    mutating func put(_ v: UInt32, count: Int) {
        var n = count
        // Fill the current group value by value until a run can take over.
        while n > 0 && !(v == previous && repeatCount >= 8) && !(numBuffered == 0 && repeatCount == 0 && n >= 8) {
            put(v); n -= 1
        }
        if n == 0 { return }
        if repeatCount >= 8 && v == previous { repeatCount += n; return }
        // Here the group is empty and no run is pending: start a fresh run of n.
        if repeatCount >= 8 { writeRLERun() }
        previous = v
        repeatCount = n
        if n < 8 { // too short for a run: buffer it
            repeatCount = 0
            for _ in 0 ..< n { put(v) }
        }
    }

    private mutating func writeBitPackedGroup() {
        if groupCount >= 63 { endBitPackedRun() }
        if headerPos < 0 { headerPos = out.count; out.append(0) }
        withUnsafeBytes(of: buffered) { raw in
            let vals = raw.bindMemory(to: UInt32.self)
            var acc: UInt64 = 0, bits = 0
            for i in 0 ..< 8 {
                acc |= UInt64(vals[i]) << UInt64(bits)
                bits += bitWidth
                while bits >= 8 { out.append(UInt8(truncatingIfNeeded: acc)); acc >>= 8; bits -= 8 }
            }
            if bits > 0 { out.append(UInt8(truncatingIfNeeded: acc)) }
        }
        numBuffered = 0
        repeatCount = 0
        groupCount += 1
    }

    private mutating func endBitPackedRun() {
        guard headerPos >= 0 else { return }
        out[headerPos] = UInt8(groupCount << 1 | 1)
        headerPos = -1
        groupCount = 0
    }

    private mutating func writeRLERun() {
        endBitPackedRun()
        var h = UInt64(repeatCount) << 1
        while h >= 0x80 { out.append(UInt8(truncatingIfNeeded: h) | 0x80); h >>= 7 }
        out.append(UInt8(h))
        var v = previous
        for _ in 0 ..< (bitWidth + 7) / 8 { out.append(UInt8(truncatingIfNeeded: v)); v >>= 8 }
        repeatCount = 0
        numBuffered = 0
    }

    /// Flushes pending values and returns the encoded bytes; the encoder is then reset.
    mutating func finish() -> [UInt8] {
        var result: [UInt8] = []
        finish(into: &result)
        return result
    }

    /// Flushes pending values, appends the encoded bytes to `dest` and resets (keeping capacity).
    mutating func finish(into dest: inout [UInt8]) {
        if repeatCount >= 8 {
            writeRLERun()
        } else if numBuffered > 0 {
            withUnsafeMutableBytes(of: &buffered) { raw in
                for i in numBuffered ..< 8 { raw.storeBytes(of: UInt32(0), toByteOffset: i * 4, as: UInt32.self) }
            }
            writeBitPackedGroup()
        }
        endBitPackedRun()
        dest.append(contentsOf: out)
        out.removeAll(keepingCapacity: true)
        numBuffered = 0; repeatCount = 0; previous = 0; groupCount = 0; headerPos = -1
    }

    /// Bits needed to store values up to `maxValue`.
    static func bitWidth(forMax maxValue: Int) -> Int { maxValue == 0 ? 0 : Int.bitWidth - maxValue.leadingZeroBitCount }
}
