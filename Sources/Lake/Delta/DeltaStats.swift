import Columnar
import Foundation
import Parquet

/// An add action's `stats`: `{"numRecords":N,"minValues":{…},"maxValues":{…},"nullCount":{…}}`,
/// from the file's own Parquet statistics, for readers' data skipping and merge pruning.
/// Written as text so decimals stay exact (a JSON number through Double would not be).
enum DeltaStats {
    static func json(rows: Int64, columns: [Field], statistics: [String: FileColumnStatistics]) -> String {
        var mins: [String] = [], maxs: [String] = [], nulls: [String] = []
        for f in columns {
            guard let s = statistics[f.name] else { continue }
            let key = quoted(f.name) + ":"
            if let n = s.nullCount { nulls.append(key + String(n)) }
            if let lo = s.min.flatMap({ literal($0, f.type) }), let hi = s.max.flatMap({ literal($0, f.type) }) {
                mins.append(key + lo)
                maxs.append(key + hi)
            }
        }
        return "{\"numRecords\":\(rows),\"minValues\":{\(mins.joined(separator: ","))},\"maxValues\":{\(maxs.joined(separator: ","))},\"nullCount\":{\(nulls.joined(separator: ","))}}"
    }

    /// A value as Delta's stats write it: numbers bare, dates and timestamps as ISO strings.
    static func literal(_ v: Value, _ type: DataType) -> String? {
        switch (v, type) {
        case let (.boolean(b), _): return b ? "true" : "false"
        case let (.int(i), _): return String(i)
        case let (.float(d), _): return d.isFinite ? "\(d)" : nil
        case let (.decimal(u), .decimal(_, s)): return Decimal128.format(u, scale: s)
        case let (.date(d), _): return quoted(CivilDate(daysSinceEpoch: Int64(d)).description)
        case let (.timestamp(t), .timestamp(unit, utc)):
            return quoted(Timestamps.format(t, unit: unit, utc: utc).replacingOccurrences(of: " ", with: "T"))
        case let (.string(s), _): return quoted(s)
        default: return nil
        }
    }

    static func quoted(_ s: String) -> String {
        let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The numRecords and per-column bounds of a stats string (what merge prunes with).
    struct Parsed {
        var numRecords: Int64?
        var minValues: [String: Any]
        var maxValues: [String: Any]
    }

    static func parse(_ text: String?) -> Parsed? {
        guard let text, let obj = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        return Parsed(numRecords: (obj["numRecords"] as? NSNumber)?.int64Value,
                      minValues: obj["minValues"] as? [String: Any] ?? [:], maxValues: obj["maxValues"] as? [String: Any] ?? [:])
    }
}
