/// Helpers for decimals held as an unscaled Int128 with a (precision, scale) type.
public enum Decimal128 {
    /// 10^p for p in 0...38.
    public static let powersOfTen: [Int128] = {
        var p: [Int128] = [1]
        for _ in 1...38 { p.append(p.last! * 10) }
        return p
    }()

    /// Whether |v| has at most `precision` digits.
    public static func fits(_ v: Int128, precision: Int) -> Bool {
        let limit = powersOfTen[precision]
        return v < limit && v > -limit
    }

    /// Formats an unscaled value, e.g. (12345, scale 2) → "123.45", (-5, 3) → "-0.005".
    public static func format(_ v: Int128, scale: Int) -> String {
        let neg = v < 0
        let mag = v.magnitude
        var digits = String(mag)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return neg ? "-" + digits : digits
    }
}
