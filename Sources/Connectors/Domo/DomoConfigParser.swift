import Columnar
import Foundation
import Yams

/// Walks the composed YAML node tree (not a decoded dictionary) so every error can name the line.
struct DomoConfigParser {
    let file: String

    private static let knownKeys: Set<String> = [
        "name", "domo_dataset_id", "minio_dataset_id", "partition_column", "enabled", "exclude_filter",
        "schema", "partition_timezone", "mode", "timezone",
    ]
    private static let requiredKeys = ["name", "domo_dataset_id", "minio_dataset_id"]

    func parse(_ yaml: String) throws -> DomoConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw syntaxError(error)
        }
        guard let root, case let .mapping(top) = root else {
            throw fail(root?.mark?.line ?? 1, nil, "the DOMO config must be a mapping with a 'datasets:' list")
        }
        var datasetsNode: Node?
        for (key, value) in top {
            let k = try scalarKey(key, entry: nil)
            guard k == "datasets" else { throw fail(key.mark?.line, nil, "unknown key '\(k)' (expected 'datasets')") }
            guard datasetsNode == nil else { throw fail(key.mark?.line, nil, "duplicate key 'datasets'") }
            datasetsNode = value
        }
        guard let datasetsNode else { throw fail(top.mark?.line ?? 1, nil, "missing key 'datasets'") }
        guard case let .sequence(items) = datasetsNode else {
            if case .scalar = datasetsNode, datasetsNode.null != nil { return DomoConfig(datasets: [], file: file) }
            throw fail(datasetsNode.mark?.line, nil, "'datasets' must be a list of datasets")
        }

        var datasets: [DomoDatasetConfig] = []
        var names: [String: Int] = [:], domoIds: [String: Int] = [:], lakeIds: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let dataset = try parseEntry(item, index: index)
            if let first = names[dataset.name] {
                throw fail(dataset.line, dataset.name, "duplicate name (first used on line \(first))")
            }
            if let first = domoIds[dataset.domoDatasetId] {
                throw fail(dataset.line, dataset.name, "duplicate domo_dataset_id '\(dataset.domoDatasetId)' (first used on line \(first))")
            }
            if let first = lakeIds[dataset.lakeDatasetId] {
                throw fail(dataset.line, dataset.name, "duplicate minio_dataset_id '\(dataset.lakeDatasetId)' (first used on line \(first))")
            }
            names[dataset.name] = dataset.line
            domoIds[dataset.domoDatasetId] = dataset.line
            lakeIds[dataset.lakeDatasetId] = dataset.line
            datasets.append(dataset)
        }
        return DomoConfig(datasets: datasets, file: file)
    }

    private func parseEntry(_ node: Node, index: Int) throws -> DomoDatasetConfig {
        guard case let .mapping(map) = node else {
            throw fail(node.mark?.line, "#\(index + 1)", "each dataset must be a mapping of keys")
        }
        let line = map.mark?.line ?? node.mark?.line ?? 0
        // The name labels every later message, so find it first.
        var label = "#\(index + 1)"
        for (key, value) in map where key.string == "name" {
            if case .scalar = value, let s = value.string, !s.isEmpty { label = s }
            break
        }

        var values: [String: (key: Node, value: Node)] = [:]
        var present: Set<String> = []   // keys written with a null value
        for (key, value) in map {
            let k = try scalarKey(key, entry: label)
            guard Self.knownKeys.contains(k) else {
                throw fail(key.mark?.line, label, "unknown key '\(k)' (known: \(Self.knownKeys.sorted().joined(separator: ", ")))")
            }
            if values[k] != nil || present.contains(k) { throw fail(key.mark?.line, label, "duplicate key '\(k)'") }
            // `partition_column: null` (or `~`, or nothing) means "not set", as PyYAML read it.
            if value.isYAMLNull { present.insert(k); continue }
            values[k] = (key, value)
        }
        for k in Self.requiredKeys where values[k] == nil {
            throw fail(line, label, present.contains(k) ? "'\(k)' must have a value, not null" : "missing required key '\(k)'")
        }

        let name = try string(values["name"]!, "name", label)
        let domoId = try datasetId(values["domo_dataset_id"]!, "domo_dataset_id", label)
        let lakeId = try datasetId(values["minio_dataset_id"]!, "minio_dataset_id", label)
        let partitionColumn = try values["partition_column"].map { try string($0, "partition_column", label) }
        let enabled = try values["enabled"].map { try bool($0, "enabled", label) } ?? true
        let filter = try values["exclude_filter"].map { try excludeFilter($0, label) }
        let (schema, order) = try values["schema"].map { try schemaOverrides($0, label) } ?? ([:], [])
        let partitionTimezone = try values["partition_timezone"].map { try timeZone($0, "partition_timezone", label) }
        let mode = try values["mode"].map { try string($0, "mode", label) }
        let timezone = try values["timezone"].map { try timeZone($0, "timezone", label) }
        return DomoDatasetConfig(
            name: name, domoDatasetId: domoId, lakeDatasetId: lakeId, partitionColumn: partitionColumn,
            enabled: enabled, excludeFilter: filter, schema: schema, schemaOrder: order,
            partitionTimezone: partitionTimezone, mode: mode, timezone: timezone, line: line)
    }

    // MARK: typed values

    private func string(_ kv: (key: Node, value: Node), _ key: String, _ label: String) throws -> String {
        guard case let .scalar(scalar) = kv.value, kv.value.null == nil || scalar.style != .plain else {
            throw fail(kv.value.mark?.line ?? kv.key.mark?.line, label, "'\(key)' must be a non-empty text value")
        }
        let s = scalar.string
        guard !s.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw fail(kv.value.mark?.line, label, "'\(key)' must not be empty")
        }
        return s
    }

    private func datasetId(_ kv: (key: Node, value: Node), _ key: String, _ label: String) throws -> String {
        let id = try string(kv, key, label)
        if let problem = DomoDatasetIdRule.problem(with: id) {
            throw fail(kv.value.mark?.line, label, "invalid \(key) '\(id)': it \(problem)")
        }
        return id
    }

    private func bool(_ kv: (key: Node, value: Node), _ key: String, _ label: String) throws -> Bool {
        guard case .scalar = kv.value, let b = kv.value.bool else {
            throw fail(kv.value.mark?.line, label, "'\(key)' must be true or false")
        }
        return b
    }

    private func timeZone(_ kv: (key: Node, value: Node), _ key: String, _ label: String) throws -> String {
        let id = try string(kv, key, label)
        guard TimeZone(identifier: id) != nil else {
            throw fail(kv.value.mark?.line, label, "'\(key)': unknown time zone '\(id)' (use an IANA name such as UTC or Asia/Tokyo)")
        }
        return id
    }

    private func excludeFilter(_ kv: (key: Node, value: Node), _ label: String) throws -> DomoDatasetConfig.ExcludeFilter {
        guard case let .mapping(map) = kv.value else {
            throw fail(kv.value.mark?.line, label, "'exclude_filter' must be a mapping with 'column' and 'keep_value'")
        }
        var column: String?, keep: String?
        for (key, value) in map {
            let k = try scalarKey(key, entry: label)
            if value.isYAMLNull, k == "column" || k == "keep_value" { continue }   // null: as if absent
            switch k {
            case "column":
                guard column == nil else { throw fail(key.mark?.line, label, "duplicate key 'exclude_filter.column'") }
                column = try string((key, value), "exclude_filter.column", label)
            case "keep_value":
                guard keep == nil else { throw fail(key.mark?.line, label, "duplicate key 'exclude_filter.keep_value'") }
                // The value is compared with CSV text, so `keep_value: 1` means the text "1"; empty text is allowed.
                guard case let .scalar(s) = value else {
                    throw fail(value.mark?.line, label, "'exclude_filter.keep_value' must be a text value")
                }
                keep = s.string
            default:
                throw fail(key.mark?.line, label, "unknown key 'exclude_filter.\(k)' (known: column, keep_value)")
            }
        }
        guard let column else { throw fail(map.mark?.line, label, "'exclude_filter' is missing 'column'") }
        guard let keep else { throw fail(map.mark?.line, label, "'exclude_filter' is missing 'keep_value'") }
        return .init(column: column, keepValue: keep)
    }

    private func schemaOverrides(_ kv: (key: Node, value: Node), _ label: String) throws -> ([String: DataType], [String]) {
        guard case let .mapping(map) = kv.value else {
            throw fail(kv.value.mark?.line, label, "'schema' must map column names to types, e.g. amount: decimal(12,2)")
        }
        var types: [String: DataType] = [:], order: [String] = []
        for (key, value) in map {
            let column = try scalarKey(key, entry: label)
            if value.isYAMLNull { continue }   // `col: null`: no override
            guard types[column] == nil else { throw fail(key.mark?.line, label, "duplicate column '\(column)' in 'schema'") }
            guard case let .scalar(s) = value, let type = DataType(parsing: s.string) else {
                throw fail(value.mark?.line, label, "'schema.\(column)': unknown type '\(value.string ?? "")' (e.g. int64, float64, decimal(12,2), date, timestamp[us, UTC], string)")
            }
            types[column] = type
            order.append(column)
        }
        return (types, order)
    }

    // MARK: errors

    private func scalarKey(_ node: Node, entry: String?) throws -> String {
        guard case let .scalar(s) = node else { throw fail(node.mark?.line, entry, "keys must be plain text") }
        return s.string
    }

    private func fail(_ line: Int?, _ entry: String?, _ message: String) -> DomoError {
        .invalidConfig(file: file, line: line, entry: entry, message: message)
    }

    private func syntaxError(_ error: YamlError) -> DomoError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            // The context (e.g. "while scanning a quoted scalar") marks where the broken construct
            // starts, which is the line to fix; the problem's mark is often the end of the file.
            if let context {
                return fail(context.mark.line, nil, "YAML syntax error: \(problem) \(context.text) (detected at line \(mark.line))")
            }
            return fail(mark.line, nil, "YAML syntax error: \(problem)")
        default:
            return fail(nil, nil, "YAML error: \(error)")
        }
    }
}
