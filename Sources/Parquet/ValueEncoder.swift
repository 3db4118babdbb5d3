import Columnar

/// The values part of one column chunk: dictionary, PLAIN buffer and statistics for one
/// physical type. `ColumnChunkWriter` owns the levels, pages and compression around it.
protocol ValueEncoder {
    /// Encodes the non-null values among rows `range` of `column`.
    mutating func append(_ column: Column, _ range: Range<Int>)
    /// Encoded size of the current page's values so far.
    var pageBytesEstimate: Int { get }
    /// Size of the dictionary so far (0 when not dictionary-encoding).
    var dictionaryBytes: Int { get }
    /// Distinct values in the dictionary so far.
    var dictionaryCount: Int { get }
    /// Memory held (buffers' contents, dictionary tables), which can be well above the
    /// encoded size: e.g. 4 bytes per buffered dictionary index that encodes in a few bits.
    /// Counted from element counts, not capacities: capacities come from malloc's usable
    /// sizes, which vary run to run, and budget flushes decided on them made the same input
    /// give different row groups. Growth slack (under 2×) is left out.
    var memoryBytes: Int { get }
    /// Whether the current page's values are dictionary indices.
    var isDictionaryEncoding: Bool { get }
    /// Whether any page in this chunk used the dictionary.
    var dictionaryUsed: Bool { get }
    /// Appends the current page's encoded values to `body` and returns their encoding; starts a new page.
    mutating func takePage(into body: inout [UInt8]) -> Encoding
    /// The current page's min/max (encoded as Parquet stat bytes), merged into the chunk's; nil when none.
    mutating func takePageMinMax() -> (min: [UInt8], max: [UInt8])?
    /// The chunk's min/max so far.
    var chunkMinMax: (min: [UInt8], max: [UInt8])? { get }
    /// Stops dictionary encoding for the rest of the chunk (the dictionary is kept for its page).
    mutating func fallBackToPlain()
    /// PLAIN-encoded dictionary and its entry count, when the chunk used one.
    func dictionaryPage() -> (count: Int, bytes: [UInt8])?
    /// Clears everything for the next row group.
    mutating func resetChunk()
}

extension ValueEncoder {
    var dictionaryCount: Int { 0 }
}

/// Multiplicative hashing shared by the dictionaries.
@inline(__always)
func mixHash(_ x: UInt64) -> UInt64 {
    var h = x &* 0x9E37_79B9_7F4A_7C15
    h ^= h >> 29
    return h &* 0xBF58_476D_1CE4_E5B9
}

/// Hashes bytes eight at a time (no per-value allocation).
@inline(__always)
func hashBytes(_ p: UnsafeRawPointer, _ n: Int) -> UInt64 {
    var h: UInt64 = UInt64(n) &* 0x9E37_79B9_7F4A_7C15
    var i = 0
    while i + 8 <= n {
        h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x0000_0100_0000_01B3 &+ 0x27D4_EB2F_1656_67C5
        h ^= h >> 32
        i += 8
    }
    if i < n {
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n { tail |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << shift; shift += 8; i += 1 }
        h = (h ^ tail) &* 0x0000_0100_0000_01B3 &+ 0x27D4_EB2F_1656_67C5
    }
    return mixHash(h)
}

/// Little-endian bytes of a fixed-width value.
@inline(__always)
func leBytes<T>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }
