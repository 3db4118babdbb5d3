import Columnar
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unsigned lexicographic comparison of two byte ranges (Parquet's order for BYTE_ARRAY).
@inline(__always)
func compareBytes(_ a: UnsafeRawPointer?, _ an: Int, _ b: UnsafeRawPointer?, _ bn: Int) -> Int {
    let n = min(an, bn)
    // Most strings differ in their first eight bytes: compare those as one big-endian word.
    if n >= 8, let a, let b {
        let x = UInt64(bigEndian: a.loadUnaligned(as: UInt64.self)), y = UInt64(bigEndian: b.loadUnaligned(as: UInt64.self))
        if x != y { return x < y ? -1 : 1 }
    }
    if n > 0, let a, let b {
        let c = memcmp(a, b, n)
        if c != 0 { return Int(c) }
    }
    return an - bn
}

/// Equality of two byte ranges of length `n`, inline and eight bytes at a time (short strings dominate).
@inline(__always)
func bytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i += 8
    }
    while i < n {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}

/// Dictionary + PLAIN encoder for BYTE_ARRAY columns (strings and binary).
struct ByteArrayEncoder: ValueEncoder {
    let dictionaryEnabled: Bool
    private(set) var useDictionary: Bool
    private(set) var dictionaryUsed = false

    // Dictionary entries in one arena, with their hashes so most probes skip memcmp.
    private var dictData: [UInt8] = []
    private var dictOffsets: [Int] = [0]
    private var dictHashes: [UInt64] = []
    private var slots: [Int32] = []
    private var mask = 0
    private var indices = DictionaryIndices()
    private var plain = ByteBuffer()
    private var pageMin: [UInt8]?, pageMax: [UInt8]?
    private var chunkMin: [UInt8]?, chunkMax: [UInt8]?

    init(dictionary: Bool) {
        dictionaryEnabled = dictionary
        useDictionary = dictionary
    }

    private mutating func resetTable(capacity: Int) {
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
    }

    var isDictionaryEncoding: Bool { useDictionary }
    var dictionaryCount: Int { dictHashes.count }
    var dictionaryBytes: Int { dictData.count + 4 * dictionaryCount }
    var memoryBytes: Int {
        dictData.count + 8 * (dictOffsets.count + dictHashes.count) + 4 * slots.count + indices.memoryBytes + plain.count
    }
    var pageBytesEstimate: Int {
        useDictionary ? indices.byteEstimate(dictionaryCount: dictionaryCount) : plain.count
    }

    mutating func append(_ column: Column, _ range: Range<Int>) {
        guard case let .bytes(arrays) = column.storage else { preconditionFailure("ByteArrayEncoder needs bytes storage") }
        let words = column.validity?.words ?? []
        arrays.data.withUnsafeBytes { data in
            arrays.offsets.withUnsafeBufferPointer { offs in
              words.withUnsafeBufferPointer { w in
                // A dictionary page's min and max come from its distinct entries (`takePage`).
                if useDictionary { appendIndices(data.baseAddress, offs, w, range) } else {
                    appendPlain(data, offs, w, range)
                    plainMinMax(data.baseAddress, offs, w, range)
                }
              }
            }
        }
    }

    /// Widens the page's min and max to the non-null values of `range`, each compared.
    private mutating func plainMinMax(_ base: UnsafeRawPointer?, _ offs: UnsafeBufferPointer<Int>,
                                      _ w: UnsafeBufferPointer<UInt64>, _ range: Range<Int>) {
        func value(_ i: Int) -> (UnsafeRawPointer?, Int) { (base.map { $0 + offs[i] }, offs[i + 1] - offs[i]) }
        var minI = -1, maxI = -1
        for i in range {
            if !w.isEmpty && w[i >> 6] & (1 << UInt64(i & 63)) == 0 { continue }
            let (p, n) = value(i)
            if minI < 0 { minI = i; maxI = i; continue }
            let (lp, ln) = value(minI), (hp, hn) = value(maxI)
            if compareBytes(p, n, lp, ln) < 0 { minI = i } else if compareBytes(p, n, hp, hn) > 0 { maxI = i }
        }
        guard minI >= 0 else { return }
        let (lp, ln) = value(minI), (hp, hn) = value(maxI)
        if pageMin == nil || pageMin!.withUnsafeBytes({ compareBytes(lp, ln, $0.baseAddress, $0.count) }) < 0 {
            pageMin = Array(UnsafeRawBufferPointer(start: lp, count: ln))
        }
        if pageMax == nil || pageMax!.withUnsafeBytes({ compareBytes(hp, hn, $0.baseAddress, $0.count) }) > 0 {
            pageMax = Array(UnsafeRawBufferPointer(start: hp, count: hn))
        }
    }

    /// Dictionary indices for the non-null values of `range`, into room made once.
    private mutating func appendIndices(_ base: UnsafeRawPointer?, _ offs: UnsafeBufferPointer<Int>,
                                        _ w: UnsafeBufferPointer<UInt64>, _ range: Range<Int>) {
        // The hash table is made on a chunk's first dictionary values: a chunk that goes PLAIN
        // from its start (see DictionaryHistory) never pays for one.
        if slots.isEmpty { resetTable(capacity: 1024) }
        var idx = indices.values
        indices.values = []
        let start = idx.count
        idx.append(contentsOf: repeatElement(0, count: range.count))
        var k = start
        idx.withUnsafeMutableBufferPointer { ip in
            for i in range {
                if !w.isEmpty && w[i >> 6] & (1 << UInt64(i & 63)) == 0 { continue }
                let o = offs[i]
                ip[k] = intern(base.map { $0 + o }, offs[i + 1] - o)
                k += 1
            }
        }
        idx.removeLast(start + range.count - k)
        indices.values = idx
    }

    /// PLAIN (4-byte length, then bytes) for the non-null values of `range`, into room made once.
    private mutating func appendPlain(_ data: UnsafeRawBufferPointer, _ offs: UnsafeBufferPointer<Int>,
                                      _ w: UnsafeBufferPointer<UInt64>, _ range: Range<Int>) {
        let maxBytes = 4 * range.count + offs[range.upperBound] - offs[range.lowerBound]
        plain.append(upTo: maxBytes) { dst in
            var k = 0
            for i in range {
                if !w.isEmpty && w[i >> 6] & (1 << UInt64(i & 63)) == 0 { continue }
                let start = offs[i], n = offs[i + 1] - start
                dst.storeBytes(of: UInt32(n).littleEndian, toByteOffset: k, as: UInt32.self)
                if n > 0 { (dst + k + 4).copyMemory(from: data.baseAddress! + start, byteCount: n) }
                k += 4 + n
            }
            return k
        }
    }

    @inline(__always)
    private mutating func intern(_ p: UnsafeRawPointer?, _ n: Int) -> UInt32 {
        let h = p.map { hashBytes($0, n) } ?? mixHash(0)
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let idx = slots[s]
            if idx < 0 { break }
            if dictHashes[Int(idx)] == h {
                let start = dictOffsets[Int(idx)], len = dictOffsets[Int(idx) + 1] - start
                if len == n {
                    let same = n == 0 || dictData.withUnsafeBytes { bytesEqual($0.baseAddress! + start, p!, n) }
                    if same { return UInt32(idx) }
                }
            }
            s = (s + 1) & mask
        }
        let idx = Int32(dictHashes.count)
        if n > 0 { dictData.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n)) }
        dictOffsets.append(dictData.count)
        dictHashes.append(h)
        slots[s] = idx
        if dictHashes.count * 2 > slots.count { grow() }
        return UInt32(idx)
    }

    private mutating func grow() {
        resetTable(capacity: slots.count * 2)
        for (i, h) in dictHashes.enumerated() {
            var s = Int(truncatingIfNeeded: h) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(i)
        }
    }

    mutating func takePage(into body: inout [UInt8]) -> Encoding {
        if useDictionary {
            dictionaryUsed = true
            entryMinMax(indices.values)
            indices.takePage(dictionaryCount: dictionaryCount, into: &body)
            return .rleDictionary
        }
        body.append(contentsOf: plain)
        plain.removeAll(keepingCapacity: true)
        return .plain
    }

    /// The page's min and max from the dictionary entries `values` use, each compared once
    /// rather than once per (mostly repeated) value.
    private mutating func entryMinMax(_ values: [UInt32]) {
        guard !values.isEmpty else { return }
        var used = [UInt64](repeating: 0, count: (dictionaryCount + 63) >> 6)
        used.withUnsafeMutableBufferPointer { u in
            for v in values { u[Int(v >> 6)] |= 1 << UInt64(v & 63) }
        }
        var lo = -1, hi = -1
        dictData.withUnsafeBytes { data in
            dictOffsets.withUnsafeBufferPointer { offs in
                func entry(_ e: Int) -> (UnsafeRawPointer?, Int) { (data.baseAddress.map { $0 + offs[e] }, offs[e + 1] - offs[e]) }
                for (w, word) in used.enumerated() {
                    var bits = word
                    while bits != 0 {
                        let e = w << 6 | bits.trailingZeroBitCount
                        bits &= bits - 1
                        let (p, n) = entry(e)
                        if lo < 0 { lo = e; hi = e; continue }
                        let (lp, ln) = entry(lo), (hp, hn) = entry(hi)
                        if compareBytes(p, n, lp, ln) < 0 { lo = e } else if compareBytes(p, n, hp, hn) > 0 { hi = e }
                    }
                }
            }
        }
        pageMin = Array(dictData[dictOffsets[lo] ..< dictOffsets[lo + 1]])
        pageMax = Array(dictData[dictOffsets[hi] ..< dictOffsets[hi + 1]])
    }

    mutating func takePageMinMax() -> (min: [UInt8], max: [UInt8])? {
        defer { pageMin = nil; pageMax = nil }
        guard let lo = pageMin, let hi = pageMax else { return nil }
        if chunkMin == nil || lo.lexicographicallyPrecedes(chunkMin!) { chunkMin = lo }
        if chunkMax == nil || chunkMax!.lexicographicallyPrecedes(hi) { chunkMax = hi }
        return (lo, hi)
    }

    var chunkMinMax: (min: [UInt8], max: [UInt8])? {
        guard let lo = chunkMin, let hi = chunkMax else { return nil }
        return (lo, hi)
    }

    /// The hash table goes (the entries stay for the chunk's dictionary page).
    mutating func fallBackToPlain() {
        useDictionary = false
        slots = []
    }

    func dictionaryPage() -> (count: Int, bytes: [UInt8])? {
        guard dictionaryUsed else { return nil }
        guard dictionaryBytes > 0 else { return (dictionaryCount, []) }
        // PLAIN entries written in place: appending a length array and a slice per entry cost
        // an allocation and a retain each, for every chunk of a many-partition load.
        let out = [UInt8](unsafeUninitializedCapacity: dictionaryBytes) { dst, n in
            dictData.withUnsafeBytes { src in
                dictOffsets.withUnsafeBufferPointer { offs in
                    let base = UnsafeMutableRawPointer(dst.baseAddress!)
                    var k = 0
                    for i in 0 ..< dictionaryCount {
                        let start = offs[i], length = offs[i + 1] - start
                        base.storeBytes(of: UInt32(length).littleEndian, toByteOffset: k, as: UInt32.self)
                        if length > 0 { (base + k + 4).copyMemory(from: src.baseAddress! + start, byteCount: length) }
                        k += 4 + length
                    }
                    n = k
                }
            }
        }
        return (dictionaryCount, out)
    }

    mutating func resetChunk() {
        useDictionary = dictionaryEnabled
        dictionaryUsed = false
        dictData.removeAll()
        dictOffsets = [0]
        dictHashes.removeAll()
        slots = []
        indices.reset()
        plain.removeAll(keepingCapacity: false)
        pageMin = nil; pageMax = nil; chunkMin = nil; chunkMax = nil
    }
}
