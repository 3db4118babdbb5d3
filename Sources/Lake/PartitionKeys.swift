import Columnar
import Foundation

/// Computes each row's partition date (days since 1970-01-01; nil for null) from the
/// partition column: a DATE as it is, a naive timestamp's own date, a UTC instant's date
/// in `timeZone` (offsets looked up per instant, cached per hour).
struct PartitionKeys {
    static let nullKey = Int64.min

    let columnIndex: Int
    let type: DataType
    let timeZone: TimeZone
    private var hourOffsets: [Int64: Int32] = [:]
    private static let variesWithinHour = Int32.min

    init(schema: Schema, column: String, timeZone: TimeZone, dataset: String) throws {
        guard let i = schema.index(of: column) else {
            throw LakeError.missingPartitionColumn(dataset: dataset, column: column, available: schema.fields.map(\.name))
        }
        switch schema.fields[i].type {
        case .date, .timestamp: break
        default: throw LakeError.unsupportedPartitionType(dataset: dataset, column: column, type: schema.fields[i].type.name)
        }
        columnIndex = i
        type = schema.fields[i].type
        self.timeZone = timeZone
    }

    /// One key per row; `nullKey` for nulls.
    mutating func keys(_ batch: RecordBatch) -> [Int64] {
        let col = batch.columns[columnIndex]
        var out = [Int64](repeating: 0, count: col.count)
        switch (type, col.storage) {
        case let (.date, .int32(days)):
            for i in 0 ..< days.count { out[i] = Int64(days[i]) }
        case let (.timestamp(unit, utc), .int64(ts)):
            let ups = Timestamps.unitsPerSecond(unit)
            if !utc || timeZone.identifier == "UTC" || timeZone.identifier == "GMT" {
                for i in 0 ..< ts.count { out[i] = Timestamps.split(ts[i], unit: unit).days }
            } else {
                for i in 0 ..< ts.count {
                    let secs = floorDiv(ts[i], ups)
                    out[i] = floorDiv(secs + Int64(offset(atSecond: secs)), 86_400)
                }
            }
        default:
            preconditionFailure("partition column storage does not match its type")
        }
        if col.nullCount > 0 { for i in 0 ..< col.count where col.isNull(i) { out[i] = Self.nullKey } }
        return out
    }

    /// The zone's UTC offset at an instant. An hour whose start and end share an offset is
    /// cached (real transitions never happen twice within an hour); otherwise ask per instant.
    mutating func offset(atSecond s: Int64) -> Int32 {
        let hour = floorDiv(s, 3600)
        if let cached = hourOffsets[hour], cached != Self.variesWithinHour { return cached }
        if hourOffsets[hour] == nil {
            if hourOffsets.count > 100_000 { hourOffsets.removeAll(keepingCapacity: true) }
            let a = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hour * 3600)))
            let b = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hour * 3600 + 3599)))
            hourOffsets[hour] = a == b ? Int32(a) : Self.variesWithinHour
            if a == b { return Int32(a) }
        }
        return Int32(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(s))))
    }

    /// Splits row indices by key, in order of first appearance; nil when every row shares one key.
    static func group(_ keys: [Int64]) -> [(key: Int64, rows: [Int])]? {
        guard let first = keys.first else { return [] }
        if !keys.contains(where: { $0 != first }) { return nil }
        var slot: [Int64: Int] = [:]
        var groups: [(key: Int64, rows: [Int])] = []
        var lastKey = first, lastSlot = -1
        for (i, k) in keys.enumerated() {
            if k != lastKey || lastSlot < 0 {
                if let s = slot[k] { lastSlot = s } else {
                    lastSlot = groups.count
                    slot[k] = lastSlot
                    groups.append((k, []))
                }
                lastKey = k
            }
            groups[lastSlot].rows.append(i)
        }
        return groups
    }
}

@inline(__always) func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
