import Columnar

/// How DECIMAL columns land in the lake.
public enum DomoDecimalMode: String, Sendable {
    /// float64, like the Python ETL (the default).
    case double
    /// decimal(38,10): DOMO's API does not publish a DECIMAL's precision or scale, so we pick the
    /// widest precision Parquet's 16-byte decimals hold with 10 fractional digits (28 integer
    /// digits). A value with more than 10 fractional digits is a conversion error, never rounded.
    case exact

    public static let exactType = DataType.decimal(precision: 38, scale: 10)
}

/// DOMO column types → lake types. No inference: DOMO's metadata is the schema.
public enum DomoTypeMapping {
    /// LONG → int64, DOUBLE → float64, DECIMAL → float64 or decimal(38,10), DATE → date,
    /// DATETIME → timestamp[us, UTC], STRING and undocumented types → string.
    ///
    /// DATETIME is UTC-adjusted: DOMO exports naive wall-clock text in the instance's time zone
    /// (UTC unless the instance says otherwise). When the config has `timezone:`, the converter
    /// parses that text as a naive timestamp and shifts it with `DomoTimeZoneShift`.
    public static func dataType(for type: DomoColumnType, decimals: DomoDecimalMode = .double) -> DataType {
        switch type {
        case .long: return .int64
        case .double: return .float64
        case .decimal: return decimals == .exact ? DomoDecimalMode.exactType : .float64
        case .date: return .date
        case .datetime: return .timestamp(unit: .microsecond, utc: true)
        case .string, .other: return .string
        }
    }
}

/// The lake fields for a DOMO dataset: metadata types, then the config's `schema:` overrides.
/// An override naming a column the metadata lacks is an error (it is almost always a typo).
public func declaredFields(dataset: String, columns: [DomoColumn], overrides: [String: DataType] = [:],
                           decimals: DomoDecimalMode = .double) throws -> [Field] {
    let names = Set(columns.map(\.name))
    if let unknown = overrides.keys.sorted().first(where: { !names.contains($0) }) {
        throw DomoError.schema(datasetId: dataset,
                               message: "DOMO dataset \(dataset): schema override names column '\(unknown)', which the metadata does not have (columns: \(columns.map(\.name).joined(separator: ", ")))")
    }
    return columns.map { column in
        Field(column.name, overrides[column.name] ?? DomoTypeMapping.dataType(for: column.type, decimals: decimals), nullable: true)
    }
}

/// Fails unless the export's header row names exactly the metadata's columns, in order.
/// A UTF-8 byte-order mark before the first name is ignored.
public func checkHeader(_ header: [String], against columns: [DomoColumn], dataset: String) throws {
    var header = header
    if let first = header.first, first.hasPrefix("\u{FEFF}") { header[0] = String(first.dropFirst()) }
    for (i, column) in columns.enumerated() {
        guard i < header.count else {
            throw DomoError.headerMismatch(datasetId: dataset,
                                           message: "DOMO dataset \(dataset): export header has \(header.count) columns but metadata says \(columns.count); '\(column.name)' is missing")
        }
        if header[i] != column.name {
            throw DomoError.headerMismatch(datasetId: dataset,
                                           message: "DOMO dataset \(dataset): export header has '\(header[i])' where metadata says '\(column.name)' (column \(i + 1))")
        }
    }
    if header.count > columns.count {
        throw DomoError.headerMismatch(datasetId: dataset,
                                       message: "DOMO dataset \(dataset): export header has \(header.count) columns but metadata says \(columns.count); '\(header[columns.count])' is extra")
    }
}
