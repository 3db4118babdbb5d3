import Columnar
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level number parsers for pass 2. They accept a superset of what inference admits
/// (leading zeros are fine once a type is decided or declared); thousands separators are
/// accepted only with correct grouping. None of them allocates.
public enum NumberParsers {
    /// Int64 from `[+-]digits` (grouping allowed); nil on syntax error or overflow.
    public static func int64(_ b: UnsafeRawBufferPointer) -> Int64? {
        guard let base = b.baseAddress else { return nil }
        return int64(base.assumingMemoryBound(to: UInt8.self), b.count)
    }

    @inline(__always)
    static func int64(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        if n <= 18 {
            // Fast path: plain unsigned digits cannot overflow at this length.
            var v: Int64 = 0, k = 0
            while k < n {
                let d = p[k] &- UInt8(ascii: "0")
                if d >= 10 { break }
                v = v &* 10 &+ Int64(d); k += 1
            }
            if k == n, n > 0 { return v }
        }
        let s = NumberShape.scan(p, n)
        guard s.kind == .integer, s.fitsInt64 else { return nil }
        if s.negative { return s.magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(s.magnitude) }
        return Int64(s.magnitude)
    }

    /// An unscaled decimal at `scale` from plain notation (`-1,234.50`); digits beyond
    /// `scale` must be zeros (never rounds); nil when the value has more than `precision` digits.
    public static func decimal(_ b: UnsafeRawBufferPointer, precision: Int, scale: Int) -> Int128? {
        guard let base = b.baseAddress else { return nil }
        return decimal(base.assumingMemoryBound(to: UInt8.self), b.count, precision: precision, scale: scale)
    }

    static func decimal(_ p: UnsafePointer<UInt8>, _ n: Int, precision: Int, scale: Int) -> Int128? {
        let s = NumberShape.scan(p, n)
        guard s.kind == .integer || s.kind == .decimal else { return nil }
        var v: Int128 = 0
        var digits = 0        // significant digits accumulated
        var fracSeen = 0
        var i = 0
        if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") { i = 1 }
        var inFraction = false
        while i < n {
            let c = p[i]
            i += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: ".") { inFraction = true; continue }
            let d = Int128(c &- UInt8(ascii: "0"))
            if inFraction {
                fracSeen += 1
                if fracSeen > scale {
                    if d != 0 { return nil }
                    continue
                }
            }
            if v == 0 && d == 0 && !inFraction { continue }
            digits += 1
            if digits > 38 { return nil }
            v = v * 10 + d
        }
        if fracSeen < scale {
            let pad = scale - fracSeen
            if digits + pad > 38 && v != 0 { return nil }
            if v != 0 { v *= Decimal128.powersOfTen[pad] }
        }
        let limit = Decimal128.powersOfTen[precision]
        guard v < limit else { return nil }
        return s.negative ? -v : v
    }

    /// A correctly rounded Double (grouping allowed, `NaN`/`inf`/`Infinity` any case).
    public static func double(_ b: UnsafeRawBufferPointer) -> Double? {
        guard let base = b.baseAddress else { return nil }
        return double(base.assumingMemoryBound(to: UInt8.self), b.count)
    }

    static let exactPowers: [Double] = (0 ... 22).map { e in var x = 1.0; for _ in 0 ..< e { x *= 10 }; return x }

    static func double(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        let s = NumberShape.scan(p, n)
        guard s.kind != .invalid else { return nil }
        // Fast path (Clinger): ≤ 15 significant digits and a power of ten ≤ 22 are both exact
        // doubles, so one multiply or divide is correctly rounded.
        if s.kind != .float, s.intDigits + s.scale <= 15, s.scale <= 22 {
            var m: UInt64 = 0
            for i in 0 ..< n {
                let d = p[i] &- UInt8(ascii: "0")
                if d < 10 { m = m * 10 + UInt64(d) }
            }
            let v = Double(m) / exactPowers[s.scale]
            return s.negative ? -v : v
        }
        var start = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") { negative = true; start = 1 } else if p[0] == UInt8(ascii: "+") { start = 1 }
        if NumberShape.isSpecial(p + start, n - start) {
            if p[start] | 0x20 == UInt8(ascii: "n") { return .nan }
            return negative ? -.infinity : .infinity
        }
        return withStrtod(p, n) { strtod($0, nil) }
    }

    /// Float32 via strtof (one rounding, not double-then-float).
    static func float(_ p: UnsafePointer<UInt8>, _ n: Int) -> Float? {
        let s = NumberShape.scan(p, n)
        guard s.kind != .invalid else { return nil }
        var start = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") { negative = true; start = 1 } else if p[0] == UInt8(ascii: "+") { start = 1 }
        if NumberShape.isSpecial(p + start, n - start) {
            if p[start] | 0x20 == UInt8(ascii: "n") { return .nan }
            return negative ? -.infinity : .infinity
        }
        return withStrtod(p, n) { strtof($0, nil) }
    }

    /// Copies the value without commas into a NUL-terminated stack buffer for the C parser
    /// (C locale: Swift programs never call setlocale, so `.` is the decimal point).
    @inline(__always)
    private static func withStrtod<T>(_ p: UnsafePointer<UInt8>, _ n: Int, _ body: (UnsafePointer<CChar>) -> T) -> T {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buf in
            var k = 0
            for i in 0 ..< n where p[i] != UInt8(ascii: ",") {
                buf[k] = CChar(bitPattern: p[i]); k += 1
            }
            buf[k] = 0
            return body(UnsafePointer(buf.baseAddress!))
        }
    }
}
