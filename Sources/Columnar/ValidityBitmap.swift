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

    /// Appends `count` equal bits.
    public mutating func append(repeating valid: Bool, count n: Int) {
        guard n > 0 else { return }
        append(contentsOf: ValidityBitmap(repeating: valid, count: n))
    }
}
