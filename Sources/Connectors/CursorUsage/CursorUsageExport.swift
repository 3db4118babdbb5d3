import Columnar
import Foundation

/// Cursor's team usage-events export (`team-usage-events-*.csv`) mapped onto one stable
/// lake schema, whatever the export's vintage.
///
/// Columns are matched by header name, not position: older exports lack `User`, newer ones
/// add `Cloud Agent ID` and `Automation ID`, older ones have `Requests` instead of `Cost`.
/// Every load writes every canonical column (null where the export lacks it), so the
/// dataset's partitions share one schema that readers can union without surprises.
public enum CursorUsageExport {
    public static let datasetId = "cursor-usage"
    public static let partitionColumn = "date"

    public struct CanonicalColumn: Sendable {
        public let name: String
        /// Header spellings seen in real exports, compared case-insensitively.
        public let headers: [String]
        public let type: DataType
    }

    public static let columns: [CanonicalColumn] = [
        .init(name: "date", headers: ["Date"], type: .timestamp(unit: .microsecond, utc: true)),
        .init(name: "user", headers: ["User", "Email"], type: .string),
        .init(name: "cloud_agent_id", headers: ["Cloud Agent ID"], type: .string),
        .init(name: "automation_id", headers: ["Automation ID"], type: .string),
        .init(name: "kind", headers: ["Kind"], type: .string),
        .init(name: "model", headers: ["Model"], type: .string),
        .init(name: "max_mode", headers: ["Max Mode"], type: .string),
        .init(name: "input_with_cache_write", headers: ["Input (w/ Cache Write)"], type: .int64),
        .init(name: "input_without_cache_write", headers: ["Input (w/o Cache Write)"], type: .int64),
        .init(name: "cache_read", headers: ["Cache Read"], type: .int64),
        .init(name: "output_tokens", headers: ["Output Tokens", "Output"], type: .int64),
        .init(name: "total_tokens", headers: ["Total Tokens"], type: .int64),
        .init(name: "requests", headers: ["Requests"], type: .float64),
        .init(name: "cost", headers: ["Cost"], type: .string),
    ]

    /// The derived column: `Cost` as dollars; null for `Included`, `Free`, `-` and anything else not a number.
    public static let costUSD = "cost_usd"

    public static var schema: Schema {
        Schema(columns.map { Field($0.name, $0.type) } + [Field(costUSD, .float64)])
    }

    /// Which canonical column each header feeds; throws when `Date` is missing or a header repeats a column.
    public static func match(header: [String]) throws -> [String: String] {
        var map: [String: String] = [:]   // header name → canonical
        for c in columns {
            let hits = header.filter { h in c.headers.contains { $0.caseInsensitiveCompare(h) == .orderedSame } }
            if hits.count > 1 { throw CursorUsageError.ambiguous(column: c.name, headers: hits) }
            if let h = hits.first { map[h] = c.name }
        }
        guard map.values.contains("date") else { throw CursorUsageError.missingDate(header: header) }
        return map
    }

    /// Type overrides for the CSV reader, by the export's own header names.
    public static func schemaOverrides(header: [String]) throws -> [String: DataType] {
        let byName = Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0.type) })
        return try match(header: header).mapValues { byName[$0]! }
    }

    /// Parses a Cost cell: `0.12` or `$0.01` → dollars; `Included`, `Free`, `-`, empty → nil.
    public static func dollars(_ text: Substring) -> Double? {
        var t = Substring(text.trimmingCharacters(in: .whitespaces))
        if t.first == "$" { t = t.dropFirst() }
        guard let first = t.first, first.isNumber || first == "." || first == "-" && t.count > 1 else { return nil }
        return Double(t).flatMap { $0.isFinite ? $0 : nil }
    }
}

public enum CursorUsageError: Error, CustomStringConvertible {
    case missingDate(header: [String])
    case ambiguous(column: String, headers: [String])

    public var description: String {
        switch self {
        case let .missingDate(h): return "not a Cursor usage export: no 'Date' column (header: \(h.joined(separator: ", ")))"
        case let .ambiguous(c, hs): return "Cursor usage export: columns \(hs.joined(separator: " and ")) both map to '\(c)'"
        }
    }
}
