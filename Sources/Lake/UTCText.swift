import Columnar
import Foundation

/// Instants as UTC text for run ids and lease objects, written by hand: Foundation's date
/// formatters load ICU's calendar, time-zone and locale data, megabytes of a small load's
/// resident memory (measured on `scripts/bench api`).
enum UTCText {
    /// `2026-12-06T15:20:01Z`, or with `.mmm` before the `Z`.
    static func iso8601(_ date: Date, milliseconds: Bool) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (days, inDay) = Timestamps.split(ms, unit: .millisecond)
        let s = inDay / 1000
        var text = "\(CivilDate(daysSinceEpoch: days))T\(pad(s / 3600)):\(pad(s / 60 % 60)):\(pad(s % 60))"
        if milliseconds { text += "." + pad(inDay % 1000, width: 3) }
        return text + "Z"
    }

    /// `20261206T152001Z`: sorts as time does and fits in a file name.
    static func compact(_ date: Date) -> String {
        iso8601(date, milliseconds: false).filter { $0 != "-" && $0 != ":" }
    }

    private static func pad(_ v: Int64, width: Int = 2) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
