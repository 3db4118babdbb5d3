import Columnar

/// PLAIN encoder for BOOLEAN: one bit per value, LSB first. Dictionaries do not pay for booleans.
struct BooleanEncoder: ValueEncoder {
    private var plain: [UInt8] = []
    private var bitCount = 0
    private var pageFalse = false, pageTrue = false
    private var chunkFalse = false, chunkTrue = false

    var pageBytesEstimate: Int { plain.count }
    var memoryBytes: Int { plain.count }
    var dictionaryBytes: Int { 0 }
    var isDictionaryEncoding: Bool { false }
    var dictionaryUsed: Bool { false }

    mutating func append(_ column: Column, _ range: Range<Int>) {
        guard case let .boolean(values) = column.storage else { preconditionFailure("BooleanEncoder needs boolean storage") }
        let validity = column.validity
        for i in range {
            if let v = validity, !v[i] { continue }
            let b = values[i]
            if b { pageTrue = true } else { pageFalse = true }
            if bitCount & 7 == 0 { plain.append(0) }
            if b { plain[plain.count - 1] |= 1 << UInt8(bitCount & 7) }
            bitCount += 1
        }
    }

    mutating func takePage(into body: inout [UInt8]) -> Encoding {
        body.append(contentsOf: plain)
        plain.removeAll(keepingCapacity: true)
        bitCount = 0
        return .plain
    }

    mutating func takePageMinMax() -> (min: [UInt8], max: [UInt8])? {
        defer { pageFalse = false; pageTrue = false }
        guard pageFalse || pageTrue else { return nil }
        chunkFalse = chunkFalse || pageFalse; chunkTrue = chunkTrue || pageTrue
        return ([pageFalse ? 0 : 1], [pageTrue ? 1 : 0])
    }

    var chunkMinMax: (min: [UInt8], max: [UInt8])? {
        guard chunkFalse || chunkTrue else { return nil }
        return ([chunkFalse ? 0 : 1], [chunkTrue ? 1 : 0])
    }

    mutating func fallBackToPlain() {}
    func dictionaryPage() -> (count: Int, bytes: [UInt8])? { nil }
    mutating func resetChunk() {
        plain.removeAll(keepingCapacity: true); bitCount = 0
        pageFalse = false; pageTrue = false; chunkFalse = false; chunkTrue = false
    }
}

/// PLAIN encoder for decimals wider than 18 digits: FIXED_LEN_BYTE_ARRAY, big-endian two's complement.
struct FixedDecimalEncoder: ValueEncoder {
    let width: Int
    private var plain: [UInt8] = []
    private var pageMin: Int128?, pageMax: Int128?
    private var chunkMin: Int128?, chunkMax: Int128?

    init(width: Int) { self.width = width }

    var pageBytesEstimate: Int { plain.count }
    var memoryBytes: Int { plain.count }
    var dictionaryBytes: Int { 0 }
    var isDictionaryEncoding: Bool { false }
    var dictionaryUsed: Bool { false }

    /// The low `width` bytes of `v`, most significant first.
    static func bigEndian(_ v: Int128, width: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: width)
        var x = v
        for i in stride(from: width - 1, through: 0, by: -1) { out[i] = UInt8(truncatingIfNeeded: x); x >>= 8 }
        return out
    }

    mutating func append(_ column: Column, _ range: Range<Int>) {
        guard case let .decimal(values) = column.storage else { preconditionFailure("FixedDecimalEncoder needs decimal storage") }
        let validity = column.validity
        for i in range {
            if let v = validity, !v[i] { continue }
            let x = values[i]
            if pageMin == nil || x < pageMin! { pageMin = x }
            if pageMax == nil || x > pageMax! { pageMax = x }
            var shift = (width - 1) * 8
            while shift >= 0 { plain.append(UInt8(truncatingIfNeeded: x >> shift)); shift -= 8 }
        }
    }

    mutating func takePage(into body: inout [UInt8]) -> Encoding {
        body.append(contentsOf: plain)
        plain.removeAll(keepingCapacity: true)
        return .plain
    }

    mutating func takePageMinMax() -> (min: [UInt8], max: [UInt8])? {
        defer { pageMin = nil; pageMax = nil }
        guard let lo = pageMin, let hi = pageMax else { return nil }
        if chunkMin == nil || lo < chunkMin! { chunkMin = lo }
        if chunkMax == nil || hi > chunkMax! { chunkMax = hi }
        return (Self.bigEndian(lo, width: width), Self.bigEndian(hi, width: width))
    }

    var chunkMinMax: (min: [UInt8], max: [UInt8])? {
        guard let lo = chunkMin, let hi = chunkMax else { return nil }
        return (Self.bigEndian(lo, width: width), Self.bigEndian(hi, width: width))
    }

    mutating func fallBackToPlain() {}
    func dictionaryPage() -> (count: Int, bytes: [UInt8])? { nil }
    mutating func resetChunk() {
        plain.removeAll(keepingCapacity: true)
        pageMin = nil; pageMax = nil; chunkMin = nil; chunkMax = nil
    }
}
