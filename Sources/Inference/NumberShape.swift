/// The syntax of a number, read once per value during inference (no value is built).
///
/// Accepted: optional `+`/`-`; an integer part of digits, optionally grouped `d{1,3}(,ddd)+`;
/// an optional `.` with digits (`.5` and `5.` are accepted, `.` alone is not); an optional
/// exponent `e`/`E` with optional sign and digits; or the specials `NaN`, `inf`,
/// `Infinity` in any case (signed or not). No surrounding spaces, no currency signs, no `%`.
struct NumberShape {
    enum Kind: UInt8 { case invalid, integer, decimal, float }
    var kind: Kind = .invalid
    /// The integer part was written with thousands separators.
    var grouped = false
    /// Digits in the integer part, leading zeros included.
    var intDigits = 0
    /// Digits of the integer part that count toward precision ("0" and "" count 0).
    var significantIntDigits = 0
    /// Digits after the point.
    var scale = 0
    /// `007`, `00.5`, `-01`: a leading zero followed by more integer digits.
    var leadingZero = false
    var negative = false
    /// For integers of at most 19 digits: the magnitude (wrapping is impossible below 10^19).
    var magnitude: UInt64 = 0

    /// Whether an `.integer` shape fits Int64.
    var fitsInt64: Bool {
        guard kind == .integer else { return false }
        if intDigits < 19 { return true }
        if intDigits > 19 { return false }
        return negative ? magnitude <= UInt64(Int64.max) + 1 : magnitude <= UInt64(Int64.max)
    }

    @inline(__always)
    static func scan(_ p: UnsafePointer<UInt8>, _ n: Int) -> NumberShape {
        var s = NumberShape()
        var i = 0
        guard n > 0 else { return s }
        if p[0] == UInt8(ascii: "-") { s.negative = true; i = 1 } else if p[0] == UInt8(ascii: "+") { i = 1 }
        guard i < n else { return s }
        let first = p[i]
        if first | 0x20 >= UInt8(ascii: "a"), first | 0x20 <= UInt8(ascii: "z") {
            if isSpecial(p + i, n - i) { s.kind = .float }
            return s
        }
        // Integer part, with grouping checked as we go.
        let intStart = i
        var groupLen = 0
        var magnitude: UInt64 = 0
        while i < n {
            let c = p[i]
            let d = c &- UInt8(ascii: "0")
            if d < 10 {
                s.intDigits += 1; groupLen += 1
                magnitude = magnitude &* 10 &+ UInt64(d)
                i += 1
            } else if c == UInt8(ascii: ",") {
                // First group 1–3 digits, later groups exactly 3.
                if s.grouped ? groupLen != 3 : (groupLen < 1 || groupLen > 3) { return NumberShape() }
                s.grouped = true; groupLen = 0
                i += 1
            } else { break }
        }
        if s.grouped, groupLen != 3 { return NumberShape() }
        s.magnitude = magnitude
        if s.intDigits > 1, p[intStart] == UInt8(ascii: "0") { s.leadingZero = true }
        s.significantIntDigits = (s.intDigits == 1 && p[intStart] == UInt8(ascii: "0")) ? 0 : s.intDigits
        s.kind = .integer
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, p[i] &- UInt8(ascii: "0") < 10 { s.scale += 1; i += 1 }
            s.kind = .decimal
        }
        if s.intDigits == 0 && s.scale == 0 { return NumberShape() }
        if i < n, p[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            var expDigits = 0
            while i < n, p[i] &- UInt8(ascii: "0") < 10 { expDigits += 1; i += 1 }
            if expDigits == 0 { return NumberShape() }
            s.kind = .float
        }
        if i != n { return NumberShape() }
        return s
    }

    /// `nan`, `inf`, `infinity`, any case.
    @inline(__always)
    static func isSpecial(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        func lower(_ k: Int) -> UInt8 { p[k] | 0x20 }
        if n == 3 {
            return (lower(0) == UInt8(ascii: "n") && lower(1) == UInt8(ascii: "a") && lower(2) == UInt8(ascii: "n"))
                || (lower(0) == UInt8(ascii: "i") && lower(1) == UInt8(ascii: "n") && lower(2) == UInt8(ascii: "f"))
        }
        if n == 8 {
            var w: UInt64 = 0
            for k in 0 ..< 8 { w = w << 8 | UInt64(lower(k)) }
            return w == 0x696E_6669_6E69_7479  // "infinity"
        }
        return false
    }
}
