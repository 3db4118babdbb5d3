/// Decoders for the non-PLAIN value encodings: DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
/// DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT (see the format's Encodings.md).
enum ValueDecoders {
    /// Reads `width` bits LSB-first starting at bit `bitPos` of `bytes`.
    @inline(__always)
    static func bits(_ bytes: [UInt8], _ bitPos: Int, _ width: Int) -> UInt64 {
        var v: UInt64 = 0, got = 0, pos = bitPos
        while got < width {
            let byte = UInt64(bytes[pos >> 3]) >> UInt64(pos & 7)
            let take = min(8 - (pos & 7), width - got)
            v |= (byte & ((1 << UInt64(take)) - 1)) << UInt64(got)
            got += take; pos += take
        }
        return v
    }

    /// DELTA_BINARY_PACKED: returns the values (as Int64, wrapping like the writer) and leaves `cur` after them.
    static func deltaBinaryPacked(_ cur: inout ByteCursor, is32: Bool) throws -> [Int64] {
        let blockSize = Int(min(try cur.uleb(), 1 << 20))
        let miniblocks = Int(min(try cur.uleb(), 1 << 10))
        let total = try cur.uleb()
        guard blockSize > 0, blockSize % 128 == 0, miniblocks > 0, blockSize % miniblocks == 0,
              (blockSize / miniblocks) % 32 == 0 else { throw cur.fail("bad DELTA_BINARY_PACKED header") }
        // A value needs at least one bit unless every delta is equal; bound by a generous cap.
        guard total <= UInt64(Int32.max) else { throw cur.fail("DELTA_BINARY_PACKED count \(total) too large") }
        let n = Int(total)
        let perMini = blockSize / miniblocks
        var out: [Int64] = []
        out.reserveCapacity(min(n, 1 << 20))
        var last = try cur.zigzag()
        if n > 0 { out.append(last) }
        while out.count < n {
            let minDelta = try cur.zigzag()
            let widthsRange = try cur.take(miniblocks)
            let widths = Array(cur.bytes[widthsRange])
            for m in 0 ..< miniblocks where out.count < n {
                let w = Int(widths[m])
                guard w <= 64 else { throw cur.fail("DELTA_BINARY_PACKED bit width \(w)") }
                let r = try cur.take(perMini * w / 8)
                let take = min(perMini, n - out.count)
                for k in 0 ..< take {
                    let d = w == 0 ? 0 : bits(cur.bytes, r.lowerBound * 8 + k * w, w)
                    var v = last &+ minDelta &+ Int64(bitPattern: d)
                    if is32 { v = Int64(Int32(truncatingIfNeeded: v)) }
                    out.append(v)
                    last = v
                }
            }
        }
        return out
    }

    /// DELTA_LENGTH_BYTE_ARRAY: lengths, then the concatenated bytes.
    static func deltaLengthByteArray(_ cur: inout ByteCursor, into buf: inout PhysicalBuffer) throws {
        let lengths = try deltaBinaryPacked(&cur, is32: true)
        for len in lengths {
            guard len >= 0 else { throw cur.fail("negative byte-array length") }
            let r = try cur.take(Int(len))
            buf.appendBytes(cur.bytes[r])
        }
    }

    /// DELTA_BYTE_ARRAY: shared-prefix lengths, then suffixes as DELTA_LENGTH_BYTE_ARRAY.
    static func deltaByteArray(_ cur: inout ByteCursor, into buf: inout PhysicalBuffer) throws {
        let prefixes = try deltaBinaryPacked(&cur, is32: true)
        let suffixLengths = try deltaBinaryPacked(&cur, is32: true)
        guard prefixes.count == suffixLengths.count else { throw cur.fail("DELTA_BYTE_ARRAY prefix/suffix counts differ") }
        var previous: [UInt8] = []
        for (p, s) in zip(prefixes, suffixLengths) {
            guard p >= 0, s >= 0, Int(p) <= previous.count else { throw cur.fail("bad DELTA_BYTE_ARRAY prefix \(p)") }
            let r = try cur.take(Int(s))
            var value = Array(previous[0 ..< Int(p)])
            value.append(contentsOf: cur.bytes[r])
            if buf.type == .fixedLenByteArray, value.count != buf.width {
                throw cur.fail("DELTA_BYTE_ARRAY value of \(value.count) bytes in a \(buf.width)-byte column")
            }
            buf.appendBytes(value[...])
            previous = value
        }
    }

    /// BYTE_STREAM_SPLIT: byte k of value i sits at k * n + i.
    static func byteStreamSplit(_ cur: inout ByteCursor, count n: Int, into buf: inout PhysicalBuffer) throws {
        let width: Int
        switch buf.type {
        case .int32, .float: width = 4
        case .int64, .double: width = 8
        case .fixedLenByteArray: width = buf.width
        default: throw ParquetError.unsupported(feature: "BYTE_STREAM_SPLIT for \(buf.type)", column: buf.column)
        }
        let r = try cur.take(n * width)
        var plain = [UInt8](repeating: 0, count: n * width)
        for i in 0 ..< n { for k in 0 ..< width { plain[i * width + k] = cur.bytes[r.lowerBound + k * n + i] } }
        var pc = ByteCursor(plain, column: buf.column)
        try buf.appendPlain(&pc, count: n)
    }
}
