import Columnar

/// INT32, INT64, FLOAT and DOUBLE values as stored in Parquet.
protocol ParquetPrimitive: Comparable {
    /// The bits the dictionary hashes and compares (floats by bit pattern, so -0.0 ≠ 0.0).
    var hashKey: UInt64 { get }
    /// NaN never enters statistics.
    var isNaNValue: Bool { get }
    /// Statistics bytes; for floats a zero min is written as -0.0 and a zero max as +0.0.
    func statBytes(isMin: Bool) -> [UInt8]
}

extension Int32: ParquetPrimitive {
    var hashKey: UInt64 { UInt64(UInt32(bitPattern: self)) }
    var isNaNValue: Bool { false }
    func statBytes(isMin: Bool) -> [UInt8] { leBytes(self.littleEndian) }
}
extension Int64: ParquetPrimitive {
    var hashKey: UInt64 { UInt64(bitPattern: self) }
    var isNaNValue: Bool { false }
    func statBytes(isMin: Bool) -> [UInt8] { leBytes(self.littleEndian) }
}
extension Float: ParquetPrimitive {
    var hashKey: UInt64 { UInt64(bitPattern) }
    var isNaNValue: Bool { isNaN }
    func statBytes(isMin: Bool) -> [UInt8] {
        let v: Float = self == 0 ? (isMin ? -0.0 : 0.0) : self
        return leBytes(v.bitPattern.littleEndian)
    }
}
extension Double: ParquetPrimitive {
    var hashKey: UInt64 { bitPattern }
    var isNaNValue: Bool { isNaN }
    func statBytes(isMin: Bool) -> [UInt8] {
        let v: Double = self == 0 ? (isMin ? -0.0 : 0.0) : self
        return leBytes(v.bitPattern.littleEndian)
    }
}

/// Dictionary + PLAIN encoder for fixed-width primitives.
struct FixedWidthEncoder<T: ParquetPrimitive>: ValueEncoder {
    /// The column's `[T]` storage (columns arrive already converted to their physical type).
    let values: (Column) -> [T]
    let dictionaryEnabled: Bool
    var useDictionary: Bool
    private(set) var dictionaryUsed = false

    private var dict: [T] = []
    private var slots: [Int32] = []   // open addressing; -1 = empty
    private var mask = 0
    private var indices = DictionaryIndices()
    private var plain = ByteBuffer()
    private var pageMin: T?, pageMax: T?
    private var chunkMin: T?, chunkMax: T?

    init(dictionary: Bool, values: @escaping (Column) -> [T]) {
        useDictionary = dictionary
        dictionaryEnabled = dictionary
        self.values = values
    }

    private mutating func resetTable(capacity: Int) {
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
    }

    var isDictionaryEncoding: Bool { useDictionary }
    var dictionaryBytes: Int { dict.count * MemoryLayout<T>.size }
    var dictionaryCount: Int { dict.count }
    var memoryBytes: Int { dict.count * MemoryLayout<T>.size + 4 * slots.count + indices.memoryBytes + plain.count }
    var pageBytesEstimate: Int {
        useDictionary ? indices.byteEstimate(dictionaryCount: dict.count) : plain.count
    }

    @_specialize(where T == Int32)
    @_specialize(where T == Int64)
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    mutating func append(_ column: Column, _ range: Range<Int>) {
        // A nested leaf whose rows here are all null or empty hands over no values, and its
        // value column may be empty: there is no first value to seed the statistics with.
        guard !range.isEmpty else { return }
        let all = values(column)
        let words = column.validity?.words ?? []
        all.withUnsafeBufferPointer { buf in
            words.withUnsafeBufferPointer { w in
                let hasNulls = !w.isEmpty
                var haveStats = pageMin != nil
                var lo = pageMin ?? buf[range.lowerBound], hi = pageMax ?? buf[range.lowerBound]
                let dictionary = useDictionary
                for i in range {
                    if hasNulls && w[i >> 6] & (1 << UInt64(i & 63)) == 0 { continue }
                    let x = buf[i]
                    if !x.isNaNValue {
                        if !haveStats { lo = x; hi = x; haveStats = true }
                        if x < lo { lo = x }
                        if x > hi { hi = x }
                    }
                }
                if haveStats { pageMin = lo; pageMax = hi }
                if dictionary {
                    // The hash table is made on a chunk's first dictionary values (see
                    // ByteArrayEncoder.appendIndices); indices go into room made once per slice.
                    if slots.isEmpty { resetTable(capacity: 1024) }
                    var idx = indices.values
                    indices.values = []
                    let base = idx.count
                    idx.append(contentsOf: repeatElement(0, count: range.count))
                    var k = base
                    idx.withUnsafeMutableBufferPointer { ip in
                        for i in range {
                            if hasNulls && w[i >> 6] & (1 << UInt64(i & 63)) == 0 { continue }
                            ip[k] = intern(buf[i])
                            k += 1
                        }
                    }
                    idx.removeLast(base + range.count - k)
                    indices.values = idx
                    return
                }
                if !hasNulls {
                    // Without nulls, PLAIN is the slice's bytes as they are.
                    plain.append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buf[range])))
                    return
                }
                // Compact the non-null values into room made once for the whole slice.
                let size = MemoryLayout<T>.stride
                plain.append(upTo: range.count * size) { dst in
                    var k = 0
                    for i in range where w[i >> 6] & (1 << UInt64(i & 63)) != 0 {
                        dst.storeBytes(of: buf[i], toByteOffset: k, as: T.self)
                        k += size
                    }
                    return k
                }
            }
        }
    }

    @inline(__always)
    private mutating func intern(_ x: T) -> UInt32 {
        let key = x.hashKey
        var s = Int(truncatingIfNeeded: mixHash(key)) & mask
        while true {
            let idx = slots[s]
            if idx < 0 { break }
            if dict[Int(idx)].hashKey == key { return UInt32(idx) }
            s = (s + 1) & mask
        }
        let idx = Int32(dict.count)
        dict.append(x)
        slots[s] = idx
        if dict.count * 2 > slots.count { grow() }
        return UInt32(idx)
    }

    @_specialize(where T == Int32)
    @_specialize(where T == Int64)
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    private mutating func grow() {
        resetTable(capacity: slots.count * 2)
        for (i, x) in dict.enumerated() {
            var s = Int(truncatingIfNeeded: mixHash(x.hashKey)) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(i)
        }
    }

    @_specialize(where T == Int32)
    @_specialize(where T == Int64)
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    mutating func takePage(into body: inout [UInt8]) -> Encoding {
        if useDictionary {
            dictionaryUsed = true
            indices.takePage(dictionaryCount: dict.count, into: &body)
            return .rleDictionary
        }
        body.append(contentsOf: plain)
        plain.removeAll(keepingCapacity: true)
        return .plain
    }

    mutating func takePageMinMax() -> (min: [UInt8], max: [UInt8])? {
        defer { pageMin = nil; pageMax = nil }
        guard let lo = pageMin, let hi = pageMax else { return nil }
        if chunkMin == nil || lo < chunkMin! { chunkMin = lo }
        if chunkMax == nil || hi > chunkMax! { chunkMax = hi }
        return (lo.statBytes(isMin: true), hi.statBytes(isMin: false))
    }

    var chunkMinMax: (min: [UInt8], max: [UInt8])? {
        guard let lo = chunkMin, let hi = chunkMax else { return nil }
        return (lo.statBytes(isMin: true), hi.statBytes(isMin: false))
    }

    /// The hash table goes (the entries stay for the chunk's dictionary page).
    mutating func fallBackToPlain() {
        useDictionary = false
        slots = []
    }

    func dictionaryPage() -> (count: Int, bytes: [UInt8])? {
        guard dictionaryUsed else { return nil }
        return (dict.count, dict.withUnsafeBytes { Array($0) })
    }

    mutating func resetChunk() {
        useDictionary = dictionaryEnabled
        dictionaryUsed = false
        dict.removeAll()
        slots = []
        indices.reset()
        plain.removeAll(keepingCapacity: false)
        pageMin = nil; pageMax = nil; chunkMin = nil; chunkMax = nil
    }
}
