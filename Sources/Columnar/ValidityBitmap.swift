/// One bit per slot, LSB first (Arrow's layout): 1 = valid, 0 = null.
public struct ValidityBitmap: Sendable, Hashable {
    public private(set) var words: [UInt64]
    public private(set) var count: Int
    public private(set) var nullCount: Int

    public init() { words = []; count = 0; nullCount = 0 }

    public init(repeating valid: Bool, count: Int) {
        self.count = count
        nullCount = valid ? 0 : count
        words = [UInt64](repeating: valid ? ~0 : 0, count: (count + 63) / 64)
        if valid, count % 64 != 0 { words[words.count - 1] = (1 << UInt64(count % 64)) - 1 }
    }

    @inline(__always)
    public subscript(i: Int) -> Bool {
        words[i >> 6] & (1 << UInt64(i & 63)) != 0
    }

    @inline(__always)
    public mutating func append(_ valid: Bool) {
        if count & 63 == 0 { words.append(0) }
        if valid { words[count >> 6] |= 1 << UInt64(count & 63) } else { nullCount += 1 }
        count += 1
    }

    /// A bitmap built elsewhere: `(count + 63) / 64` words, bits past `count` zero.
    public init(words: [UInt64], count: Int) {
        precondition(words.count == (count + 63) / 64, "ValidityBitmap: \(words.count) words for \(count) bits")
        precondition(count & 63 == 0 || words[words.count - 1] >> UInt64(count & 63) == 0, "ValidityBitmap: bits set past the end")
        self.words = words
        self.count = count
        nullCount = count - words.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    public mutating func reserveCapacity(_ n: Int) { words.reserveCapacity((n + 63) / 64) }

    public mutating func removeAll(keepingCapacity: Bool = true) {
        words.removeAll(keepingCapacity: keepingCapacity)
        count = 0
        nullCount = 0
    }
}

extension ValidityBitmap {
    /// Appends every bit of `other`.
    public mutating func append(contentsOf other: ValidityBitmap) {
        let shift = count & 63
        if shift == 0 {
            words.append(contentsOf: other.words)
        } else {
            // Each source word straddles two destination words.
            for w in other.words {
                words[words.count - 1] |= w << UInt64(shift)
                words.append(w >> UInt64(64 - shift))
            }
        }
        count += other.count
        nullCount += other.nullCount
        let needed = (count + 63) / 64
        if words.count > needed { words.removeLast(words.count - needed) }
        // Bits past `count` stay zero, as `append(_:)` expects.
        if count & 63 != 0 { words[words.count - 1] &= (1 << UInt64(count & 63)) - 1 }
    }

    /// Appends `count` equal bits, a word at a time.
    public mutating func append(repeating valid: Bool, count n: Int) {
        guard n > 0 else { return }
        let end = count + n
        let needed = (end + 63) / 64
        if words.count < needed { words.append(contentsOf: repeatElement(0, count: needed - words.count)) }
        if valid {
            var i = count
            words.withUnsafeMutableBufferPointer { w in
                while i < end {
                    let bit = i & 63, take = min(64 - bit, end - i)
                    w[i >> 6] |= (take == 64 ? ~0 : (UInt64(1) << UInt64(take)) - 1) << UInt64(bit)
                    i += take
                }
            }
        } else {
            nullCount += n
        }
        count = end
    }
}
