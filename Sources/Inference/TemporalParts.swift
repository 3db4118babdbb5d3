import Columnar

/// A date or timestamp read from bytes, before a column decides its slash order.
///
/// Recognised (1- or 2-digit month/day everywhere except `YYYYMMDD`):
/// - `YYYY-MM-DD`, `YYYY/MM/DD`, `MM/DD/YYYY` or `DD/MM/YYYY`, and `YYYYMMDD` (compact);
/// - ISO 8601 timestamps: `YYYY-MM-DD` + `T`|space + `HH:MM[:SS[.f…]]` + optional
///   `Z` | `±HH` | `±HH:MM` | `±HHMM` (DOMO's `2017-01-18T22:21:04` is the plain case);
/// - slashed timestamps: `M/D/YYYY h:mm[:ss[.f…]]` with optional `AM`/`PM` (12-hour) or
///   without (24-hour). Seconds are optional in both (`2:05 PM` is 14:05:00).
/// Fractional seconds may have any number of digits, but digits beyond the sixth must be
/// zero: a value carrying sub-microsecond information is not a timestamp (never truncated).
/// `YYYY/MM/DD` takes no time part and `YYYYMMDD` none either.
struct TemporalParts {
    enum Style: UInt8 { case iso, isoSlash, slashed, compact }
    var style: Style = .iso
    var year: Int64 = 0
    /// As written: month and day for ISO/compact; first and second part for slashed.
    var first = 0
    var second = 0
    var hasTime = false
    var secondOfDay = 0
    var micros = 0
    var hasOffset = false
    var offsetSeconds = 0

    static let microsPerDay: Int64 = 86_400_000_000

    @inline(__always)
    static func scan(_ p: UnsafePointer<UInt8>, _ n: Int) -> TemporalParts? {
        var t = TemporalParts()
        var i = 0
        @inline(__always) func digits(max: Int) -> (value: Int, count: Int) {
            var v = 0, c = 0
            while i < n, c < max {
                let d = p[i] &- UInt8(ascii: "0")
                if d >= 10 { break }
                v = v * 10 + Int(d); c += 1; i += 1
            }
            return (v, c)
        }
        let lead = digits(max: 8)
        guard lead.count > 0 else { return nil }
        if i == n {
            guard lead.count == 8 else { return nil }
            t.style = .compact
            t.year = Int64(lead.value / 10000); t.first = lead.value / 100 % 100; t.second = lead.value % 100
            return t
        }
        let sep = p[i]
        if lead.count == 4, sep == UInt8(ascii: "-") || sep == UInt8(ascii: "/") {
            i += 1
            let m = digits(max: 2)
            guard m.count > 0, i < n, p[i] == sep else { return nil }
            i += 1
            let d = digits(max: 2)
            guard d.count > 0 else { return nil }
            t.style = sep == UInt8(ascii: "-") ? .iso : .isoSlash
            t.year = Int64(lead.value); t.first = m.value; t.second = d.value
        } else if lead.count <= 2, sep == UInt8(ascii: "/") {
            i += 1
            let b = digits(max: 2)
            guard b.count > 0, i < n, p[i] == UInt8(ascii: "/") else { return nil }
            i += 1
            let y = digits(max: 4)
            guard y.count == 4 else { return nil }
            t.style = .slashed
            t.year = Int64(y.value); t.first = lead.value; t.second = b.value
        } else {
            return nil
        }
        if i == n { return t }

        // Time of day.
        let c = p[i]
        switch t.style {
        case .iso: guard c == UInt8(ascii: "T") || c == UInt8(ascii: "t") || c == UInt8(ascii: " ") else { return nil }
        case .slashed: guard c == UInt8(ascii: " ") else { return nil }
        default: return nil
        }
        i += 1
        let h = digits(max: 2)
        guard h.count == 2 || (t.style == .slashed && h.count == 1), i < n, p[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        let mi = digits(max: 2)
        guard mi.count == 2, mi.value <= 59 else { return nil }
        var sec = 0
        if i < n, p[i] == UInt8(ascii: ":") {
            i += 1
            let s = digits(max: 2)
            guard s.count == 2, s.value <= 59 else { return nil }
            sec = s.value
            if i < n, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: ",") {
                i += 1
                var fracDigits = 0, us = 0
                while i < n, p[i] &- UInt8(ascii: "0") < 10 {
                    let d = Int(p[i] &- UInt8(ascii: "0"))
                    if fracDigits < 6 { us = us * 10 + d } else if d != 0 { return nil }
                    fracDigits += 1; i += 1
                }
                guard fracDigits > 0 else { return nil }
                var pad = fracDigits
                while pad < 6 { us *= 10; pad += 1 }
                t.micros = us
            }
        }
        var hour = h.value
        if t.style == .slashed {
            var j = i
            if j < n, p[j] == UInt8(ascii: " ") { j += 1 }
            if j + 2 == n, p[j + 1] | 0x20 == UInt8(ascii: "m"), p[j] | 0x20 == UInt8(ascii: "a") || p[j] | 0x20 == UInt8(ascii: "p") {
                guard (1 ... 12).contains(hour) else { return nil }
                hour = hour % 12 + (p[j] | 0x20 == UInt8(ascii: "p") ? 12 : 0)
                i = n
            }
        } else if i < n {
            let z = p[i]
            if z == UInt8(ascii: "Z") || z == UInt8(ascii: "z") {
                t.hasOffset = true; i += 1
            } else if z == UInt8(ascii: "+") || z == UInt8(ascii: "-") {
                i += 1
                let oh = digits(max: 2)
                guard oh.count == 2, oh.value <= 23 else { return nil }
                var om = 0
                if i < n {
                    if p[i] == UInt8(ascii: ":") { i += 1 }
                    let m = digits(max: 2)
                    guard m.count == 2, m.value <= 59 else { return nil }
                    om = m.value
                }
                t.hasOffset = true
                t.offsetSeconds = (oh.value * 3600 + om * 60) * (z == UInt8(ascii: "-") ? -1 : 1)
            }
        }
        guard i == n, hour <= 23 else { return nil }
        t.hasTime = true
        t.secondOfDay = hour * 3600 + mi.value * 60 + sec
        return t
    }

    /// The column candidates this value fits.
    @inline(__always)
    var accepts: Candidates {
        switch style {
        case .iso:
            guard CivilDate.isValid(year: year, month: first, day: second) else { return [] }
            if !hasTime { return [.dateISO, .tsISO] }
            return hasOffset ? .tsISOOffset : .tsISO
        case .isoSlash:
            return CivilDate.isValid(year: year, month: first, day: second) ? .dateISOSlash : []
        case .compact:
            return CivilDate.isValid(year: year, month: first, day: second) ? .dateCompact : []
        case .slashed:
            var c: Candidates = []
            if CivilDate.isValid(year: year, month: first, day: second) { c.formUnion(hasTime ? .tsMDY : [.dateMDY, .tsMDY]) }
            if CivilDate.isValid(year: year, month: second, day: first) { c.formUnion(hasTime ? .tsDMY : [.dateDMY, .tsDMY]) }
            return c
        }
    }

    /// Days since 1970-01-01, reading a slashed date in `order`; nil if no such date.
    func days(order: DateOrder) -> Int64? {
        let (m, d) = style == .slashed && order == .dmy ? (second, first) : (first, second)
        return CivilDate.days(year: year, month: m, day: d)
    }

    /// Microseconds since the epoch, adjusted to UTC when the value has an offset.
    func micros(order: DateOrder) -> Int64? {
        guard let days = days(order: order) else { return nil }
        return days * TemporalParts.microsPerDay + Int64(secondOfDay - offsetSeconds) * 1_000_000 + Int64(micros)
    }
}
