import Columnar

/// Splits a batch by partition: a stable counting sort of the row numbers, so each
/// partition's rows are one slice of `order` (no values are copied here).
enum BatchSplitter {
    /// Rows grouped by key: `order[ranges[g]]` are the rows (ascending) of `keys[g]`,
    /// groups in order of first appearance.
    struct Groups {
        var keys: [Int64]
        var order: [Int]
        var ranges: [Range<Int>]
    }

    /// nil when every row shares one key (the batch goes through whole).
    static func group(_ rowKeys: [Int64]) -> Groups? {
        guard let first = rowKeys.first else { return Groups(keys: [], order: [], ranges: []) }
        if !rowKeys.contains(where: { $0 != first }) { return nil }
        var keys: [Int64] = []
        var counts: [Int] = []
        var slots = [Int32](repeating: 0, count: rowKeys.count)
        // Dates of one batch usually span a few years: map them through a flat table instead
        // of hashing every row. Null (`Int64.min`) gets its own slot.
        var low = Int64.max, high = Int64.min
        for k in rowKeys where k != PartitionKeys.nullKey { low = min(low, k); high = max(high, k) }
        var nullSlot: Int32 = -1
        if low <= high, high - low < 1 << 16 {
            var table = [Int32](repeating: -1, count: Int(high - low) + 1)
            for (i, k) in rowKeys.enumerated() {
                var s: Int32
                if k == PartitionKeys.nullKey {
                    if nullSlot < 0 { nullSlot = Int32(keys.count); keys.append(k); counts.append(0) }
                    s = nullSlot
                } else {
                    s = table[Int(k - low)]
                    if s < 0 { s = Int32(keys.count); table[Int(k - low)] = s; keys.append(k); counts.append(0) }
                }
                slots[i] = s
                counts[Int(s)] += 1
            }
        } else {
            var slotOf: [Int64: Int32] = [:]
            for (i, k) in rowKeys.enumerated() {
                let s: Int32
                if let known = slotOf[k] { s = known } else {
                    s = Int32(keys.count); slotOf[k] = s; keys.append(k); counts.append(0)
                }
                slots[i] = s
                counts[Int(s)] += 1
            }
        }
        var starts = [Int](repeating: 0, count: keys.count)
        var ranges: [Range<Int>] = []
        var at = 0
        for (g, c) in counts.enumerated() { starts[g] = at; ranges.append(at ..< at + c); at += c }
        var order = [Int](repeating: 0, count: rowKeys.count)
        for i in 0 ..< slots.count {
            let g = Int(slots[i])
            order[starts[g]] = i
            starts[g] += 1
        }
        return Groups(keys: keys, order: order, ranges: ranges)
    }
}
