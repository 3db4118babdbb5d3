import Columnar

/// A value and its physical line, kept as evidence for the report (truncated to 120 bytes).
struct Witness: Sendable, Hashable {
    var line: Int
    var value: [UInt8]

    init(line: Int, _ p: UnsafePointer<UInt8>, _ n: Int) {
        self.line = line
        value = Array(UnsafeBufferPointer(start: p, count: min(n, 120)))
    }

    var text: String { String(decoding: value, as: UTF8.self) }

    /// The earlier of two witnesses (merge keeps the first line of the file).
    static func earliest(_ a: Witness?, _ b: Witness?) -> Witness? {
        guard let a else { return b }
        guard let b else { return a }
        return b.line < a.line ? b : a
    }
}

/// Mergeable statistics of one column: which types every value so far fits, the evidence that
/// ruled the others out, and the numbers the decision needs (widest integer part, scale).
public struct ColumnInference: Sendable {
    public let name: String
    /// Set when a schema override decides the type (values are then only counted).
    public let declared: DataType?
    var alive: Candidates
    /// Per candidate bit: the earliest value that does not fit it.
    var kills: [Witness?]
    public internal(set) var valueCount = 0
    /// Empty unquoted fields: null in every column.
    public internal(set) var emptyCount = 0
    /// `""`: empty string in a string column, null in a typed one.
    public internal(set) var quotedEmptyCount = 0
    /// `nullValues` tokens: text in a string column, null in a typed one.
    public internal(set) var nullTokenCount = 0
    var maxIntDigits = 0
    var maxIntWitness: Witness?
    var maxScale = 0
    var maxScaleWitness: Witness?
    /// Some slashed date has different first and second parts, so the order matters.
    var slashOrderMatters = false

    init(name: String, declared: DataType?, initial: Candidates) {
        self.name = name
        self.declared = declared
        alive = declared == nil ? initial : []
        kills = Array(repeating: nil, count: Candidates.bitCount)
    }

    /// Non-null values that took part in inference.
    public var nonNullCount: Int { valueCount }

    /// One value that is not null/empty/a token. `line` is its row's physical line.
    @inline(__always)
    mutating func observe(_ p: UnsafePointer<UInt8>, _ n: Int, line: Int) {
        valueCount += 1
        let before = alive
        if before.isEmpty { return }
        var accept: Candidates = []
        if before.contains(.boolean), n == 4 || n == 5, Self.isBoolean(p, n) {
            accept.insert(.boolean)
        }
        if !before.isDisjoint(with: .numeric), n <= 15, p[0] != UInt8(ascii: "0") || n == 1, Self.allDigits(p, n) {
            // Fast path for the commonest value: a plain unsigned integer of at most 15 digits
            // (fits int64 and is exact as a double).
            accept.formUnion(n <= 3 ? Self.shortInteger : Self.plainInteger)
            let significant = p[0] == UInt8(ascii: "0") ? 0 : n
            if significant > maxIntDigits {
                maxIntDigits = significant
                maxIntWitness = Witness(line: line, p, n)
            }
        } else if !before.isDisjoint(with: .numeric) {
            let s = NumberShape.scan(p, n)
            if s.kind != .invalid, !s.leadingZero {
                accept.formUnion(Self.numericAccepts(s))
                if s.significantIntDigits > maxIntDigits {
                    maxIntDigits = s.significantIntDigits
                    maxIntWitness = Witness(line: line, p, n)
                }
                if s.scale > maxScale {
                    maxScale = s.scale
                    maxScaleWitness = Witness(line: line, p, n)
                }
            }
        }
        if !before.isDisjoint(with: .temporal), n >= 6, let t = TemporalParts.scan(p, n) {
            accept.formUnion(t.accepts)
            if t.style == .slashed, t.first != t.second { slashOrderMatters = true }
        }
        let lost = before.subtracting(accept)
        if !lost.isEmpty {
            var bits = lost.rawValue
            while bits != 0 {
                let b = bits.trailingZeroBitCount
                bits &= bits - 1
                kills[b] = Witness(line: line, p, n)
            }
            alive = before.intersection(accept)
        }
    }

    static let plainInteger: Candidates = [.int64, .bigInt, .float, .exact]
    static let shortInteger: Candidates = [.int64, .bigInt, .float, .exact, .int64Grouped, .bigIntGrouped, .floatGrouped, .exactGrouped]

    @inline(__always)
    static func allDigits(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var k = 0
        while k < n, p[k] &- UInt8(ascii: "0") < 10 { k += 1 }
        return k == n
    }

    @inline(__always)
    static func isBoolean(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var w: UInt64 = 0
        for k in 0 ..< n { w = w << 8 | UInt64(p[k] | 0x20) }
        return (n == 4 && w == 0x7472_7565) || (n == 5 && w == 0x66_616C_7365)  // "true", "false"
    }

    @inline(__always)
    static func numericAccepts(_ s: NumberShape) -> Candidates {
        // A value fits the plain variants when it has no commas, the grouped ones when it has
        // commas or is short enough (< 1,000) not to need them.
        let plain = !s.grouped
        let grouped = s.grouped || s.intDigits <= 3
        var c: Candidates = []
        func add(_ a: Candidates, _ g: Candidates) {
            if plain { c.formUnion(a) }
            if grouped { c.formUnion(g) }
        }
        switch s.kind {
        case .integer:
            if s.fitsInt64 {
                add(.int64, .int64Grouped)
                // An integer may join a float64 column only if the double holds it exactly.
                if s.magnitude <= 1 << 53 { add(.float, .floatGrouped) }
            }
            if s.significantIntDigits <= 38 { add(.bigInt, .bigIntGrouped); add(.exact, .exactGrouped) }
        case .decimal:
            add(.float, .floatGrouped)
            if s.significantIntDigits <= 38, s.scale <= 38 { add(.exact, .exactGrouped) }
        case .float:
            add(.float, .floatGrouped)
        case .invalid:
            break
        }
        return c
    }

    /// Combines another chunk's statistics of the same column (any order gives the same result).
    mutating func merge(_ o: ColumnInference) {
        alive.formIntersection(o.alive)
        for b in 0 ..< Candidates.bitCount { kills[b] = Witness.earliest(kills[b], o.kills[b]) }
        valueCount += o.valueCount
        emptyCount += o.emptyCount
        quotedEmptyCount += o.quotedEmptyCount
        nullTokenCount += o.nullTokenCount
        (maxIntDigits, maxIntWitness) = Self.mergeMax(maxIntDigits, maxIntWitness, o.maxIntDigits, o.maxIntWitness)
        (maxScale, maxScaleWitness) = Self.mergeMax(maxScale, maxScaleWitness, o.maxScale, o.maxScaleWitness)
        slashOrderMatters = slashOrderMatters || o.slashOrderMatters
    }

    private static func mergeMax(_ a: Int, _ aw: Witness?, _ b: Int, _ bw: Witness?) -> (Int, Witness?) {
        if a != b { return a > b ? (a, aw) : (b, bw) }
        return (a, Witness.earliest(aw, bw))
    }
}
