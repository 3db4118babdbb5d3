import Columnar

/// One top-level column's statistics over a whole file: what table formats (Delta's `stats`)
/// and merge pruning need without reading any page.
public struct FileColumnStatistics: Sendable, Equatable {
    /// Nulls in the column; nil when some row group did not say.
    public var nullCount: Int64?
    /// The smallest and largest non-null values; nil when some row group lacked them (all
    /// nulls, a value too long for the statistics, or a type whose order Parquet leaves open).
    public var min: Value?
    public var max: Value?
}

extension ParquetFileReader {
    /// Statistics of every top-level primitive column, by name, folded over the row groups.
    /// Nested columns and types whose byte order is not their value order (binary, uuid,
    /// time, float NaN-prone order aside) carry only their null count.
    public func fileStatistics() -> [String: FileColumnStatistics] {
        var out: [String: FileColumnStatistics] = [:]
        let meta = fileMetaData
        let tree = schemaTree
        for node in tree.fields where node.isLeaf {
            let leaf = node.firstLeaf
            var nulls: Int64? = 0
            var lo: Value?, hi: Value?
            var bounded = true
            for rg in meta.rowGroups {
                let stats = rg.columns[leaf].metaData?.statistics
                if let n = stats?.nullCount, let sum = nulls { nulls = sum + n } else { nulls = nil }
                if rg.numRows == 0 { continue }
                guard bounded, let s = stats, let minBytes = s.minValue, let maxBytes = s.maxValue,
                      let a = Self.statValue(minBytes, node.type), let b = Self.statValue(maxBytes, node.type) else {
                    // A row group of only nulls has no bounds but does not widen the others.
                    if let s = stats, s.minValue == nil, s.nullCount == rg.numRows { continue }
                    bounded = false
                    continue
                }
                lo = lo.map { Self.less(a, $0) ? a : $0 } ?? a
                hi = hi.map { Self.less($0, b) ? b : $0 } ?? b
            }
            out[node.name] = FileColumnStatistics(nullCount: nulls, min: bounded ? lo : nil, max: bounded ? hi : nil)
        }
        return out
    }

    /// A statistics value in Parquet's plain encoding, as the column's type reads it; nil for
    /// types left out (see `fileStatistics`).
    static func statValue(_ bytes: [UInt8], _ type: DataType) -> Value? {
        func le(_ n: Int) -> UInt64? {
            guard bytes.count == n else { return nil }
            var v: UInt64 = 0
            for i in (0 ..< n).reversed() { v = v << 8 | UInt64(bytes[i]) }
            return v
        }
        switch type {
        case .boolean: return bytes.count == 1 ? .boolean(bytes[0] != 0) : nil
        case .int8, .int16, .int32: return le(4).map { .int(Int64(Int32(bitPattern: UInt32($0)))) }
        case .int64: return le(8).map { .int(Int64(bitPattern: $0)) }
        case .float32:
            guard let bits = le(4) else { return nil }
            let f = Float(bitPattern: UInt32(bits))
            return f.isNaN ? nil : .float(Double(f))
        case .float64:
            guard let bits = le(8) else { return nil }
            let d = Double(bitPattern: bits)
            return d.isNaN ? nil : .float(d)
        case .date: return le(4).map { .date(Int32(bitPattern: UInt32($0))) }
        case .timestamp: return le(8).map { .timestamp(Int64(bitPattern: $0)) }
        case .decimal:
            // Big-endian two's complement of the schema's width.
            guard !bytes.isEmpty, bytes.count <= 16 else { return nil }
            var v = Int128(Int8(bitPattern: bytes[0]))
            for b in bytes.dropFirst() { v = v << 8 | Int128(b) }
            return .decimal(v)
        case .string, .json: return .string(String(decoding: bytes, as: UTF8.self))
        default: return nil
        }
    }

    static func less(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case let (.boolean(x), .boolean(y)): return !x && y
        case let (.int(x), .int(y)): return x < y
        case let (.float(x), .float(y)): return x < y
        case let (.decimal(x), .decimal(y)): return x < y
        case let (.date(x), .date(y)): return x < y
        case let (.timestamp(x), .timestamp(y)): return x < y
        case let (.string(x), .string(y)): return x.utf8.lexicographicallyPrecedes(y.utf8)
        default: return false
        }
    }
}
