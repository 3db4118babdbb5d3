/// A proleptic Gregorian calendar date, converted to and from days since 1970-01-01
/// with Howard Hinnant's exact integer algorithm (no Foundation, no time zones, any year).
public struct CivilDate: Sendable, Hashable, CustomStringConvertible {
    public var year: Int64
    public var month: Int   // 1...12
    public var day: Int     // 1...31

    public init(year: Int64, month: Int, day: Int) {
        self.year = year; self.month = month; self.day = day
    }

    public init(daysSinceEpoch z0: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = Int(doy - (153 * mp + 2) / 5 + 1)
        month = Int(mp < 10 ? mp + 3 : mp - 9)
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    public var daysSinceEpoch: Int64 {
        if let i = Self.tableIndex(year, month) { return Int64(Self.monthStarts[i]) + Int64(day) - 1 }
        return Self.eraDays(year: year, month: month, day: day)
    }

    /// Days since the epoch of year/month/day, nil when that is no date.
    @inline(__always)
    public static func days(year: Int64, month: Int, day: Int) -> Int64? {
        isValid(year: year, month: month, day: day) ? CivilDate(year: year, month: month, day: day).daysSinceEpoch : nil
    }

    /// Day 1 of every month from January 1900 to January 2100, in days since the epoch: date
    /// columns convert millions of values, nearly all in those years, and a lookup costs far
    /// less than the era arithmetic's signed divisions.
    private static let monthStarts: [Int32] = (0 ... 2400).map { Int32(eraDays(year: 1900 + Int64($0 / 12), month: $0 % 12 + 1, day: 1)) }

    /// The table's index of year/month when it holds them.
    @inline(__always)
    private static func tableIndex(_ year: Int64, _ month: Int) -> Int? {
        guard year >= 1900, year < 2100, month >= 1, month <= 12 else { return nil }
        return Int(year - 1900) * 12 + month - 1
    }

    /// Howard Hinnant's days_from_civil, for any year.
    private static func eraDays(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func isLeap(_ y: Int64) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    public static func daysIn(month: Int, year: Int64) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Whether year/month/day name a real date.
    public static func isValid(year: Int64, month: Int, day: Int) -> Bool {
        if let i = tableIndex(year, month) { return day >= 1 && day <= Int(monthStarts[i + 1] - monthStarts[i]) }
        return (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year)
    }

    /// `YYYY-MM-DD` (years outside 0...9999 keep a sign and all their digits).
    public var description: String {
        func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        let y = year >= 0 && year <= 9999 ? pad(Int(year), 4) : String(year)
        return "\(y)-\(pad(month, 2))-\(pad(day, 2))"
    }
}

/// Timestamp helpers shared by parsers, partitioning and display.
public enum Timestamps {
    public static func unitsPerSecond(_ unit: TimeUnit) -> Int64 { unit == .millisecond ? 1000 : 1_000_000 }

    /// Splits a timestamp into (days since epoch, units into that day), flooring toward -∞.
    public static func split(_ t: Int64, unit: TimeUnit) -> (days: Int64, units: Int64) {
        let perDay = 86_400 * unitsPerSecond(unit)
        var d = t / perDay, r = t % perDay
        if r < 0 { d -= 1; r += perDay }
        return (d, r)
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]` (+ `Z` when UTC-adjusted).
    public static func format(_ t: Int64, unit: TimeUnit, utc: Bool) -> String {
        let (days, units) = split(t, unit: unit)
        let ups = unitsPerSecond(unit)
        let secs = units / ups, frac = units % ups
        func pad(_ v: Int64, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        var s = "\(CivilDate(daysSinceEpoch: days)) \(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2))"
        if frac != 0 { s += "." + pad(frac, unit == .millisecond ? 3 : 6) }
        if utc { s += "Z" }
        return s
    }
}
