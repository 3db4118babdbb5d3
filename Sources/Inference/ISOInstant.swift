import Columnar

/// An ISO 8601 date (`2024-01-02`) or timestamp (`2024-01-02T03:04:05.123+09:00`, `Z`, an
/// offset, or none: UTC) as microseconds since the epoch in UTC, by the rules inference uses;
/// nil for anything else. For comparing values such as an API's incremental cursor.
public func isoInstantMicros(_ text: String) -> Int64? {
    var text = text
    return text.withUTF8 { b -> Int64? in
        guard let base = b.baseAddress, let t = TemporalParts.scan(base, b.count), t.style == .iso else { return nil }
        return t.micros(order: .mdy)
    }
}

/// `micros` as ISO 8601 in UTC: `2024-01-02T03:04:05Z`, with six fractional digits when needed.
public func isoInstantText(micros: Int64) -> String {
    let perDay = TemporalParts.microsPerDay
    var days = micros / perDay, rest = micros % perDay
    if rest < 0 { rest += perDay; days -= 1 }
    let c = CivilDate(daysSinceEpoch: days)
    let (y, m, d) = (c.year, c.month, c.day)
    let s = Int(rest / 1_000_000), f = Int(rest % 1_000_000)
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    var out = "\(y)-\(two(m))-\(two(d))T\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))"
    if f > 0 { out += "." + String(String(f + 1_000_000).dropFirst()) }
    return out + "Z"
}
