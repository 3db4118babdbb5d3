/// A bounds-checked read cursor over a page's bytes; every overrun throws instead of trapping.
struct ByteCursor {
    let bytes: [UInt8]
    var pos: Int
    let end: Int
    let column: String

    init(_ bytes: [UInt8], from: Int = 0, to: Int? = nil, column: String) {
        self.bytes = bytes; pos = from; end = to ?? bytes.count; self.column = column
    }

    var remaining: Int { end - pos }

    func fail(_ what: String) -> ParquetError {
        ParquetError.corrupt("\(what) in column '\(column)' (byte \(pos) of \(end))")
    }

    mutating func need(_ n: Int) throws {
        guard n >= 0, n <= remaining else { throw fail("data ends early: need \(n) bytes") }
    }

    mutating func u8() throws -> UInt8 { try need(1); defer { pos += 1 }; return bytes[pos] }

    mutating func uleb() throws -> UInt64 {
        var r: UInt64 = 0, shift: UInt64 = 0
        while true {
            let b = try u8()
            if shift < 64 { r |= UInt64(b & 0x7F) << shift }
            if b & 0x80 == 0 { return r }
            shift += 7
            if shift > 70 { throw fail("varint too long") }
        }
    }

    mutating func zigzag() throws -> Int64 {
        let u = try uleb()
        return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }

    /// Little-endian fixed-width load.
    mutating func le<T: FixedWidthInteger>(_: T.Type) throws -> T {
        try need(MemoryLayout<T>.size)
        defer { pos += MemoryLayout<T>.size }
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: pos, as: T.self)) }
    }

    mutating func take(_ n: Int) throws -> Range<Int> {
        try need(n)
        defer { pos += n }
        return pos ..< pos + n
    }
}

/// Decodes the RLE / bit-packing hybrid into UInt32 values (levels, dictionary indices, RLE booleans).
enum RLEHybridDecoder {
    /// Decodes exactly `count` values from `cur` (up to its end) into `out`.
    static func decode(_ cur: inout ByteCursor, bitWidth: Int, count: Int, into out: inout [UInt32]) throws {
        guard (0 ... 32).contains(bitWidth) else { throw cur.fail("RLE bit width \(bitWidth) out of range") }
        out.reserveCapacity(out.count + min(count, 1 << 22))
        var left = count
        let byteWidth = (bitWidth + 7) / 8
        let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
        while left > 0 {
            let header = try cur.uleb()
            if header & 1 == 0 {
                let run = header >> 1
                guard run > 0 else { throw cur.fail("empty RLE run") }
                var v: UInt32 = 0
                for i in 0 ..< byteWidth { v |= UInt32(try cur.u8()) << UInt32(8 * i) }
                let n = Int(min(run, UInt64(left)))
                out.append(contentsOf: repeatElement(v, count: n))
                left -= n
            } else {
                let groups = Int(min(header >> 1, UInt64(Int32.max)))
                guard groups > 0 else { throw cur.fail("empty bit-packed run") }
                let nbytes = groups * bitWidth
                // Some writers stop a final run early; decode what is there.
                let available = min(nbytes, cur.remaining)
                let range = try cur.take(available)
                let values = min(groups * 8, available * 8 / max(bitWidth, 1) + (bitWidth == 0 ? groups * 8 : 0))
                let n = min(values, left)
                guard n > 0 else { throw cur.fail("bit-packed run ends early") }
                cur.bytes.withUnsafeBufferPointer { p in
                    var bitPos = range.lowerBound * 8
                    for _ in 0 ..< n {
                        var v: UInt64 = 0
                        if bitWidth > 0 {
                            var got = 0
                            while got < bitWidth {
                                let byte = UInt64(p[bitPos >> 3]) >> UInt64(bitPos & 7)
                                let take = min(8 - (bitPos & 7), bitWidth - got)
                                v |= (byte & ((1 << UInt64(take)) - 1)) << UInt64(got)
                                got += take; bitPos += take
                            }
                        }
                        out.append(UInt32(truncatingIfNeeded: v & mask))
                    }
                }
                left -= n
            }
        }
    }
}
