import Columnar
import Foundation

/// Computes each row's partition date (days since 1970-01-01; nil for null) from the
/// partition column: a DATE as it is, a naive timestamp's own date, a UTC instant's date
/// in `timeZone` (offsets looked up per instant, cached per hour).
struct PartitionKeys {
    static let nullKey = Int64.min

    /// The column's top-level index, then the field index at each struct level below it
    /// (`created.at`: a struct column's field).
    let columnPath: [Int]
    let type: DataType
    let timeZone: TimeZone
    private static let cacheSize = 1 << 14  // hours: about 22 months
    private static let variesWithinHour = Int32.min
    private var cachedHours = [Int64](repeating: Int64.min, count: cacheSize)
    private var cachedOffsets = [Int32](repeating: 0, count: cacheSize)

    init(schema: Schema, column: String, timeZone: TimeZone, dataset: String) throws {
        guard let (path, field) = Self.resolve(column, in: schema) else {
            throw LakeError.missingPartitionColumn(dataset: dataset, column: column, available: schema.fields.map(\.name))
        }
        switch field.type {
        case .date, .timestamp: break
        default: throw LakeError.unsupportedPartitionType(dataset: dataset, column: column, type: field.type.name)
        }
        columnPath = path
        type = field.type
        self.timeZone = timeZone
    }

    /// A top-level column by name, else a dotted path through struct columns.
    /// Whether the partition time zone decided the dates: only for a UTC-adjusted timestamp
    /// column; a date or a naive timestamp gives its own date, and a manifest naming a zone
    /// then would mislead.
    static func zoneApplies(_ column: String?, in schema: Schema) -> Bool {
        guard let column, let field = resolve(column, in: schema)?.1 else { return false }
        if case .timestamp(_, utc: true) = field.type { return true }
        return false
    }

    static func resolve(_ column: String, in schema: Schema) -> ([Int], Field)? {
        if let i = schema.index(of: column) { return ([i], schema.fields[i]) }
        var fields = schema.fields
        var path: [Int] = []
        var field: Field?
        for part in column.split(separator: ".", omittingEmptySubsequences: false) {
            guard let i = fields.firstIndex(where: { $0.name == part }) else { return nil }
            path.append(i)
            field = fields[i]
            if case let .structure(children) = fields[i].type { fields = children } else { fields = [] }
        }
        return field.map { (path, $0) }
    }

    /// One key per row; `nullKey` for nulls.
    mutating func keys(_ batch: RecordBatch) -> [Int64] {
        var col = batch.columns[columnPath[0]]
        for i in columnPath.dropFirst() {
            guard case let .structure(children, _) = col.storage else { preconditionFailure("partition path through a non-struct") }
            col = children[i]
        }
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
    /// cached (real transitions never happen twice within an hour) in a direct-mapped table,
    /// so unsorted timestamps cost one array read; otherwise ask Foundation per instant.
    mutating func offset(atSecond s: Int64) -> Int32 {
        let hour = floorDiv(s, 3600)
        let slot = Int(UInt64(bitPattern: hour) & UInt64(Self.cacheSize - 1))
        if cachedHours[slot] == hour, cachedOffsets[slot] != Self.variesWithinHour { return cachedOffsets[slot] }
        if cachedHours[slot] != hour {
            let a = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hour * 3600)))
            let b = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hour * 3600 + 3599)))
            cachedHours[slot] = hour
            cachedOffsets[slot] = a == b ? Int32(a) : Self.variesWithinHour
            if a == b { return Int32(a) }
        }
        return Int32(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(s))))
    }
}

@inline(__always) func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
