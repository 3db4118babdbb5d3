import Columnar
import Foundation

/// `config/domo_datasets.yaml`: the list of DOMO datasets to load, in the format the Python ETL used.
public struct DomoConfig: Sendable {
    public let datasets: [DomoDatasetConfig]
    /// The file the config came from (for messages).
    public let file: String

    public init(datasets: [DomoDatasetConfig], file: String) {
        self.datasets = datasets
        self.file = file
    }

    /// Reads and validates the file. Every problem is a `DomoError.invalidConfig` naming the line.
    public static func load(path: String) throws -> DomoConfig {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DomoError.invalidConfig(file: path, line: nil, entry: nil, message: "cannot read the DOMO config: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DomoError.invalidConfig(file: path, line: nil, entry: nil, message: "the DOMO config is not UTF-8 text")
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses config text; `file` only labels messages.
    public static func parse(yaml: String, file: String) throws -> DomoConfig {
        try DomoConfigParser(file: file).parse(yaml)
    }

    /// The dataset whose name or lake id is `key` (what `inlet domo --dataset` accepts).
    public func dataset(named key: String) -> DomoDatasetConfig? {
        datasets.first { $0.name == key } ?? datasets.first { $0.lakeDatasetId == key }
    }

    public var enabledDatasets: [DomoDatasetConfig] { datasets.filter(\.enabled) }
}

/// One entry of `datasets:`.
public struct DomoDatasetConfig: Sendable {
    /// `exclude_filter`: keep only rows whose `column` equals `keepValue`.
    public struct ExcludeFilter: Sendable, Hashable {
        public let column: String
        public let keepValue: String
        public init(column: String, keepValue: String) {
            self.column = column
            self.keepValue = keepValue
        }
    }

    public let name: String
    /// `domo_dataset_id`: the id in DOMO's API paths.
    public let domoDatasetId: String
    /// `minio_dataset_id`: the dataset id in the lake (the key is named after the old MinIO store).
    public let lakeDatasetId: String
    public let partitionColumn: String?
    /// Defaults to true when the key is absent.
    public let enabled: Bool
    public let excludeFilter: ExcludeFilter?
    /// `schema`: column name → type overriding what DOMO's metadata declares.
    public let schema: [String: DataType]
    /// `schema` in file order (for deterministic messages).
    public let schemaOrder: [String]
    /// `partition_timezone`: IANA zone used to derive partition dates from timestamps.
    public let partitionTimezone: String?
    /// `mode`: passed through to the loader (e.g. replace/append); not interpreted here.
    public let mode: String?
    /// `timezone`: IANA zone of the DOMO instance; naive DATETIME text is shifted from it to UTC.
    public let timezone: String?
    /// 1-based line of the entry's first key in the file.
    public let line: Int

    public init(name: String, domoDatasetId: String, lakeDatasetId: String, partitionColumn: String? = nil,
                enabled: Bool = true, excludeFilter: ExcludeFilter? = nil, schema: [String: DataType] = [:],
                schemaOrder: [String]? = nil, partitionTimezone: String? = nil, mode: String? = nil,
                timezone: String? = nil, line: Int = 0) {
        self.name = name
        self.domoDatasetId = domoDatasetId
        self.lakeDatasetId = lakeDatasetId
        self.partitionColumn = partitionColumn
        self.enabled = enabled
        self.excludeFilter = excludeFilter
        self.schema = schema
        self.schemaOrder = schemaOrder ?? schema.keys.sorted()
        self.partitionTimezone = partitionTimezone
        self.mode = mode
        self.timezone = timezone
        self.line = line
    }
}

/// The dataset-id rule shared by DOMO ids (they go into URL paths) and lake ids (they become
/// object-key prefixes): letters, digits, `-`, `_`, `.`; not starting with `.` or `_`; no `..`; at most 200.
public enum DomoDatasetIdRule {
    public static let maxLength = 200

    /// nil when valid, else why not.
    public static func problem(with id: String) -> String? {
        if id.isEmpty { return "is empty" }
        if id.utf8.count > maxLength { return "is longer than \(maxLength) characters" }
        if id.hasPrefix(".") || id.hasPrefix("_") { return "starts with '\(id.first!)'" }
        if id.contains("..") { return "contains '..'" }
        for scalar in id.unicodeScalars {
            let ok = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_" || scalar == ".")
            if !ok { return "contains '\(scalar == "/" ? "/" : String(scalar))' (allowed: letters, digits, '-', '_', '.')" }
        }
        return nil
    }
}
