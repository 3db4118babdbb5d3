import Columnar

/// PLAIN encoder for UUIDs: FIXED_LEN_BYTE_ARRAY(16) from bytes storage. Statistics compare
/// the bytes unsigned, lexicographically (the UUID logical type's sort order).
struct FixedBytesEncoder: ValueEncoder {
    let width: Int
    private var plain: [UInt8] = []
    private var pageMin: [UInt8]?, pageMax: [UInt8]?
    private var chunkMin: [UInt8]?, chunkMax: [UInt8]?

    init(width: Int) { self.width = width }

    var pageBytesEstimate: Int { plain.count }
    var memoryBytes: Int { plain.count }
    var dictionaryBytes: Int { 0 }
    var isDictionaryEncoding: Bool { false }
    var dictionaryUsed: Bool { false }

    mutating func append(_ column: Column, _ range: Range<Int>) {
        guard case let .bytes(values) = column.storage else { preconditionFailure("FixedBytesEncoder needs bytes storage") }
        let validity = column.validity
        for i in range {
            if let v = validity, !v[i] { continue }
            let x = values[i]
            precondition(x.count == width, "a \(width)-byte value expected")
            if pageMin.map({ x.lexicographicallyPrecedes($0) }) ?? true { pageMin = Array(x) }
            if pageMax.map({ $0.lexicographicallyPrecedes(x) }) ?? true { pageMax = Array(x) }
            plain.append(contentsOf: x)
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
        if chunkMin.map({ lo.lexicographicallyPrecedes($0) }) ?? true { chunkMin = lo }
        if chunkMax.map({ $0.lexicographicallyPrecedes(hi) }) ?? true { chunkMax = hi }
        return (lo, hi)
    }

    var chunkMinMax: (min: [UInt8], max: [UInt8])? {
        guard let lo = chunkMin, let hi = chunkMax else { return nil }
        return (lo, hi)
    }

    mutating func fallBackToPlain() {}
    func dictionaryPage() -> (count: Int, bytes: [UInt8])? { nil }
    mutating func resetChunk() {
        plain.removeAll(keepingCapacity: true)
        pageMin = nil; pageMax = nil; chunkMin = nil; chunkMax = nil
    }
}
