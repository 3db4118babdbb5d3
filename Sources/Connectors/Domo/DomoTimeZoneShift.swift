import Foundation

/// Shifts naive DATETIME values (wall-clock time in the DOMO instance's zone, the config's
/// `timezone:`) to UTC instants. Used per value in the conversion hot path, so the zone offset
/// is cached per local hour: Foundation is consulted about once per hour of data, not per row.
public struct DomoTimeZoneShift: Sendable {
    public let identifier: String
    private let zone: TimeZone
    private var cachedHour: Int64 = .min
    private var cachedOffsetMicros: Int64 = 0

    /// nil for an unknown zone name (the config parser already rejects those).
    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.zone = zone
    }

    /// Local wall-clock microseconds since 1970-01-01T00:00 → UTC microseconds since the epoch.
    /// In a DST overlap the earlier instant wins; a time inside a DST gap uses the offset from before the gap.
    public mutating func toUTC(localMicros: Int64) -> Int64 {
        let hour = localMicros >= 0 ? localMicros / 3_600_000_000 : (localMicros + 1) / 3_600_000_000 - 1
        if hour != cachedHour {
            cachedHour = hour
            cachedOffsetMicros = offsetMicros(forLocalSeconds: Double(hour) * 3600)
        }
        return localMicros - cachedOffsetMicros
    }

    private func offsetMicros(forLocalSeconds local: Double) -> Int64 {
        // An offset o is right when the instant local - o really has offset o. The candidates are
        // the offsets in force around that instant: a day before and after spans any transition.
        func offset(at utc: Double) -> Int { zone.secondsFromGMT(for: Date(timeIntervalSince1970: utc)) }
        let guess = local - Double(offset(at: local))
        let before = offset(at: guess - 86_400)
        let candidates = Set([offset(at: guess), before, offset(at: guess + 86_400)])
        let consistent = candidates.filter { offset(at: local - Double($0)) == $0 }
        // Overlap (two fit): the larger offset, i.e. the earlier instant. Gap (none fits): the
        // offset in force before the clocks jumped.
        return Int64(consistent.max() ?? before) * 1_000_000
    }
}
