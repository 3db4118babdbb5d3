import Foundation

/// A column type as DOMO's DataSet API spells it in `schema.columns[].type`.
public enum DomoColumnType: Sendable, Hashable, CustomStringConvertible {
    case string, long, double, decimal, date, datetime
    /// A type the public docs do not list; loaded as text (see `DomoTypeMapping`).
    case other(String)

    public init(domoName: String) {
        switch domoName.uppercased() {
        case "STRING": self = .string
        case "LONG": self = .long
        case "DOUBLE": self = .double
        case "DECIMAL": self = .decimal
        case "DATE": self = .date
        case "DATETIME": self = .datetime
        default: self = .other(domoName)
        }
    }

    public var description: String {
        switch self {
        case .string: return "STRING"
        case .long: return "LONG"
        case .double: return "DOUBLE"
        case .decimal: return "DECIMAL"
        case .date: return "DATE"
        case .datetime: return "DATETIME"
        case let .other(name): return name
        }
    }
}

public struct DomoColumn: Sendable, Hashable {
    public let name: String
    public let type: DomoColumnType
    public init(name: String, type: DomoColumnType) {
        self.name = name
        self.type = type
    }
}

/// What `GET /v1/datasets/{id}` says about a dataset.
public struct DomoDatasetMetadata: Sendable {
    public let id: String
    public let name: String
    /// `rows` as DOMO counts them (may lag the export slightly).
    public let rows: Int64?
    public let columns: [DomoColumn]
    /// ISO-8601 text as DOMO sent it (`updatedAt`).
    public let updatedAt: String?
    /// `updatedAt` parsed, when it is valid ISO-8601.
    public var updatedAtDate: Date? {
        guard let updatedAt else { return nil }
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return withFraction.date(from: updatedAt) ?? ISO8601DateFormatter().date(from: updatedAt)
    }

    public init(id: String, name: String, rows: Int64?, columns: [DomoColumn], updatedAt: String?) {
        self.id = id
        self.name = name
        self.rows = rows
        self.columns = columns
        self.updatedAt = updatedAt
    }

    /// Decodes the DataSet object; only the fields Inlet uses are required.
    static func decode(_ data: Data, datasetId: String) throws -> DomoDatasetMetadata {
        struct Wire: Decodable {
            struct Schema: Decodable { let columns: [Column]? }
            struct Column: Decodable { let name: String; let type: String }
            let id: String?
            let name: String?
            let rows: Int64?
            let schema: Schema?
            let updatedAt: String?
        }
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: data)
        } catch {
            throw DomoError.invalidResponse(what: "metadata of dataset \(datasetId)", detail: "not a DataSet JSON object (\(decodingSummary(error)))")
        }
        guard let columns = wire.schema?.columns, !columns.isEmpty else {
            throw DomoError.invalidResponse(what: "metadata of dataset \(datasetId)", detail: "no schema.columns")
        }
        return DomoDatasetMetadata(
            id: wire.id ?? datasetId, name: wire.name ?? datasetId, rows: wire.rows,
            columns: columns.map { DomoColumn(name: $0.name, type: DomoColumnType(domoName: $0.type)) },
            updatedAt: wire.updatedAt)
    }
}

private func decodingSummary(_ error: Error) -> String {
    switch error {
    case let DecodingError.keyNotFound(key, _): return "missing \(key.stringValue)"
    case let DecodingError.typeMismatch(_, ctx): return "wrong type at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))"
    case let DecodingError.valueNotFound(_, ctx): return "null at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))"
    case DecodingError.dataCorrupted: return "invalid JSON"
    default: return "invalid JSON"
    }
}
