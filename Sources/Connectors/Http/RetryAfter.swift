import Foundation

/// `Retry-After` (RFC 9110): a number of seconds, or an HTTP date; seconds from `now`, or nil
/// when the value is neither.
public func retryAfterSeconds(_ raw: String, now: Date = Date()) -> Double? {
    let value = raw.trimmingCharacters(in: .whitespaces)
    if let n = Double(value), n >= 0, n.isFinite { return n }
    let format = DateFormatter()
    format.locale = Locale(identifier: "en_US_POSIX")
    format.timeZone = TimeZone(identifier: "GMT")
    format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    guard let date = format.date(from: value) else { return nil }
    return max(0, date.timeIntervalSince(now))
}
