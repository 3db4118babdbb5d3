import Columnar
import Connectors
import Foundation
import JSON
import Lake
import Yams

/// One pipeline of a config: a source of some kind, loaded into one dataset.
public struct PipelineSpec: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case csv
        case json
        case cursorUsage = "cursor-usage"
        case domo
        case api
        case files
        case postgres
    }

    /// Where the rows come from, per kind.
    public enum SourceSpec: Sendable {
        case csv(path: String, settings: CSVSettings)
        case json(path: String, options: JSONOptions)
        /// `path`, or the newest export in `dir`.
        case cursorUsage(path: String?, dir: String)
        case domo(DomoSpec)
        case api(ApiSpec)
        case files(FilesSettings)
        case postgres(PostgresOptions)
    }

    public struct DomoSpec: Sendable {
        public var datasetId: String
        /// Credentials and host; nil: `DOMO_CLIENT_ID`, `DOMO_CLIENT_SECRET`, `DOMO_API_HOST`.
        public var clientId: String?
        public var clientSecret: String?
        public var apiHost: String?
        public var schema: [String: DataType] = [:]
        public var timezone: String?
        public var decimals: DomoDecimalMode = .double

        public init(datasetId: String) { self.datasetId = datasetId }
    }

    /// Unique in the config; letters, digits, `-`, `_` and `.`.
    public var name: String
    public var kind: Kind
    public var datasetId: DatasetID
    public var enabled: Bool
    public var load: LoadSettings
    /// `keep_where {column, value}` (or DOMO's `exclude_filter {column, keep_value}`).
    public var keepWhere: (column: String, value: String)?
    /// `rename {old: new}`, in file order.
    public var rename: [(String, String)]
    public var source: SourceSpec
    /// The line the pipeline starts on, for messages.
    public var line: Int

    public init(name: String, kind: Kind, datasetId: DatasetID, enabled: Bool = true, load: LoadSettings = .init(),
                keepWhere: (column: String, value: String)? = nil, rename: [(String, String)] = [], source: SourceSpec, line: Int = 0) {
        self.name = name; self.kind = kind; self.datasetId = datasetId; self.enabled = enabled; self.load = load
        self.keepWhere = keepWhere; self.rename = rename; self.source = source; self.line = line
    }

    /// The pipeline's own transforms: the row filter, then the renames.
    public var transforms: [any BatchTransform] {
        var out: [any BatchTransform] = []
        if let k = keepWhere { out.append(KeepRowsWhereEquals(column: k.column, value: k.value)) }
        if !rename.isEmpty { out.append(RenameColumns(Dictionary(rename) { a, _ in a })) }
        return out
    }

    /// A source's own primary key (postgres, api) makes the load a merge unless `mode` says
    /// otherwise; the pipeline's `primary_key`, when given, wins.
    static func mergeBy(_ key: [String], load: inout LoadSettings, _ map: ConfigMap) throws {
        guard load.mode == nil || load.mode == WriteMode.merge.rawValue else { return }
        load.mode = WriteMode.merge.rawValue
        if load.primaryKey.isEmpty { load.primaryKey = key }
    }

    static let keys = ["name", "kind", "dataset_id", "enabled", "partition_column", "partition_timezone", "mode", "primary_key", "table_format", "max_file_size",
                       "compression", "keep_where", "exclude_filter", "rename", "csv", "json", "cursor_usage", "domo", "api", "files", "postgres"]
    static let blocks: [Kind: String] = [.csv: "csv", .json: "json", .cursorUsage: "cursor_usage", .domo: "domo", .api: "api", .files: "files",
                                         .postgres: "postgres"]
    static let csvKeys = ["path", "delimiter", "quote", "header", "no_header", "skip_rows", "encoding", "encoding_errors", "bad_rows",
                          "rejects", "null_values", "decimals", "date_order", "compact_dates", "schema"]
    static let jsonKeys = ["path", "records", "flatten", "schema", "allow_nan", "decimals", "date_order", "bad_rows", "rejects"]
    static let domoKeys = ["dataset_id", "client_id", "client_secret", "api_host", "schema", "timezone", "decimals"]
    static let filesKeys = ["url", "format", "csv", "json", "hive_columns", "file_column", "incremental", "since", "endpoint",
                            "access_key_id", "secret_access_key", "region", "bad_files", "allow_empty", "concurrency", "spool_limit",
                            "delete_source", "move_to", "on_change", "state_keys"]

    static func parse(_ node: Node, index: Int, file: String, interpolation: Interpolation) throws -> PipelineSpec {
        // The name labels every later message, so it is read first.
        var label = "pipeline #\(index + 1)"
        if case let .mapping(m) = node, let n = m.first(where: { $0.key.string == "name" })?.value.string, !n.isEmpty { label = "pipeline '\(n)'" }
        let map = try ConfigMap(node, file: file, context: label, known: keys, interpolation: interpolation, what: "each pipeline")

        let name = try map.requiredString("name")
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw map.fail("name", "'name' must be letters, digits, - _ or . (got '\(map.written("name"))')")
        }
        let kindText = try map.requiredString("kind")
        guard let kind = Kind(rawValue: kindText) else {
            let known = Kind.allCases.map(\.rawValue)
            let hint = nearest(kindText, in: known).map { "did you mean '\($0)'? " } ?? ""
            throw map.fail("kind", "unknown kind '\(map.written("kind"))' (\(hint)kinds: \(known.joined(separator: ", ")))")
        }
        let rawId = try map.nonEmpty("dataset_id") ?? name
        let datasetId: DatasetID
        do { datasetId = try DatasetID(rawId) } catch { throw map.fail(map.has("dataset_id") ? "dataset_id" : "name", "\(error)") }

        var load = LoadSettings()
        load.partitionColumn = try map.nonEmpty("partition_column") ?? (kind == .cursorUsage ? CursorUsageExport.partitionColumn : nil)
        load.partitionTimezone = try map.string("partition_timezone") ?? "UTC"
        load.mode = try map.string("mode")
        load.tableFormat = try map.string("table_format")
        load.primaryKey = try (map.stringList("primary_key") ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
        if !load.primaryKey.isEmpty, load.mode == nil { load.mode = WriteMode.merge.rawValue }
        load.maxFileSize = try map.string("max_file_size") ?? load.maxFileSize
        load.compression = try map.string("compression") ?? load.compression
        // A merge's key may come from the source's block below: checked once it is known.
        var early = load
        if early.mode == WriteMode.merge.rawValue, early.primaryKey.isEmpty { early.primaryKey = ["?"] }
        do { try early.validate() } catch let e as InvalidSetting { throw map.failValue(e.setting, "'\(e.setting)' \(e.message)") }

        for (other, key) in blocks where other != kind && map.has(key) {
            throw map.fail(key, "'\(key)' belongs to kind \(other.rawValue); this pipeline is kind \(kind.rawValue)")
        }
        let source: SourceSpec
        switch kind {
        case .csv: source = try csvSource(map)
        case .json: source = try jsonSource(map)
        case .cursorUsage: source = try cursorUsageSource(map)
        case .domo: source = try domoSource(map)
        case .api: source = .api(try apiSource(map))
        case .files: source = try filesSource(map, load: &load)
        case .postgres:
            let options = try postgresSource(map)
            source = .postgres(options)
            // A key the config names makes the load a merge: updated rows replace their old version.
            if let key = options.primaryKey, !key.isEmpty { try Self.mergeBy(key, load: &load, map) }
            // An increment replaces nothing: append by default; `replace` would keep only the last increment.
            if options.incremental {
                if load.mode == nil { load.mode = "append" }
                if load.mode == "replace" {
                    throw map.fail("mode", "'mode: replace' with 'incremental' would keep only the last increment: use append or replace-partitions (--full-refresh reloads everything)")
                }
            }
        }
        if case let .api(api) = source, !api.resource.primaryKey.isEmpty {
            // Records become columns by their top-level fields: a nested key path has no column to merge by.
            let names = api.resource.primaryKey.compactMap { p -> String? in
                if p.steps.count == 1, case let .key(k) = p.steps[0] { return k }
                return nil
            }
            if names.count == api.resource.primaryKey.count {
                try Self.mergeBy(names, load: &load, map)
            } else if load.mode == WriteMode.merge.rawValue, load.primaryKey.isEmpty {
                throw map.fail("mode", "'mode: merge' needs top-level key fields; the resource's primary_key has a nested path: name the flattened column(s) in the pipeline's 'primary_key'")
            }
        }
        // An incremental API run brings only what is new: it adds to the dataset, never replaces it.
        if case let .api(api) = source, api.resource.incremental != nil, load.mode == nil { load.mode = "append" }
        if load.mode == WriteMode.merge.rawValue || !load.primaryKey.isEmpty {
            do { try load.validate() } catch let e as InvalidSetting { throw map.failValue(e.setting, "'\(e.setting)' \(e.message)") }
        }
        return PipelineSpec(name: name, kind: kind, datasetId: datasetId, enabled: try map.bool("enabled") ?? true, load: load,
                            keepWhere: try keepWhere(map), rename: try map.stringPairs("rename") ?? [], source: source, line: map.line)
    }

    private static func keepWhere(_ map: ConfigMap) throws -> (column: String, value: String)? {
        if map.has("keep_where"), map.has("exclude_filter") {
            throw map.fail("exclude_filter", "give 'keep_where' or DOMO's 'exclude_filter', not both")
        }
        if let k = try map.map("keep_where", known: ["column", "value"]) {
            guard let column = try k.nonEmpty("column") else { throw k.fail(nil, "'keep_where' is missing 'column'") }
            guard let value = try k.string("value") else { throw k.fail(nil, "'keep_where' is missing 'value'") }
            return (column, value)
        }
        if let k = try map.map("exclude_filter", known: ["column", "keep_value"]) {
            guard let column = try k.nonEmpty("column") else { throw k.fail(nil, "'exclude_filter' is missing 'column'") }
            guard let value = try k.string("keep_value") else { throw k.fail(nil, "'exclude_filter' is missing 'keep_value'") }
            return (column, value)
        }
        return nil
    }

    private static func csvSource(_ map: ConfigMap) throws -> SourceSpec {
        guard let csv = try map.map("csv", known: csvKeys) else { throw map.fail(nil, "kind csv needs a 'csv:' block with a 'path'") }
        guard let path = try csv.nonEmpty("path") else { throw csv.fail(nil, "missing required key 'path'") }
        return .csv(path: path, settings: try csvSettings(csv))
    }

    /// A `csv:` block's reading and type settings (every key but `path`).
    private static func csvSettings(_ csv: ConfigMap) throws -> CSVSettings {
        var s = CSVSettings()
        s.delimiter = try csv.string("delimiter")
        s.quote = try csv.string("quote")
        if let header = try csv.bool("header") { s.header = header ? nil : false }
        if try csv.bool("no_header") == true { s.header = false }
        s.skipRows = try csv.int("skip_rows") ?? 0
        s.encoding = try csv.string("encoding")
        s.encodingErrors = try csv.string("encoding_errors") ?? s.encodingErrors
        s.badRows = try csv.string("bad_rows") ?? s.badRows
        s.rejects = try csv.string("rejects")
        s.nullValues = try csv.stringList("null_values") ?? []
        s.decimals = try csv.string("decimals") ?? s.decimals
        s.dateOrder = try csv.string("date_order") ?? s.dateOrder
        s.compactDates = try csv.bool("compact_dates") ?? false
        do {
            s.schema = try schema(csv)
            try s.validate()
        } catch let e as InvalidSetting {
            throw csv.failValue(e.setting, "'\(e.setting)' \(e.message)")
        }
        return s
    }

    private static func jsonSource(_ map: ConfigMap) throws -> SourceSpec {
        guard let json = try map.map("json", known: jsonKeys) else { throw map.fail(nil, "kind json needs a 'json:' block with a 'path'") }
        guard let path = try json.nonEmpty("path") else { throw json.fail(nil, "missing required key 'path'") }
        return .json(path: path, options: try jsonOptions(json, inputPath: path))
    }

    /// A `json:` block's reading and type settings (every key but `path`).
    private static func jsonOptions(_ json: ConfigMap, inputPath: String) throws -> JSONOptions {
        // The type settings are CSV's, checked by the same rules.
        var s = CSVSettings()
        s.decimals = try json.string("decimals") ?? s.decimals
        s.dateOrder = try json.string("date_order") ?? s.dateOrder
        s.badRows = try json.string("bad_rows") ?? s.badRows
        s.rejects = try json.string("rejects")
        var o = JSONOptions()
        do {
            s.schema = try schema(json)
            try s.validate()
            o.inference = try s.inferenceOptions()
            o.badRows = try s.csvOptions(inputPath: inputPath).badRows
        } catch let e as InvalidSetting {
            throw json.failValue(e.setting, "'\(e.setting)' \(e.message)")
        }
        o.records = try json.nonEmpty("records")
        o.flatten = try json.bool("flatten") ?? false
        o.allowNaN = try json.bool("allow_nan") ?? false
        return o
    }

    /// `files:`: a URL or glob (or a list of them), the readers' blocks, and how objects are
    /// chosen, fetched and cleaned up. Incremental loads append unless `mode` says otherwise.
    private static func filesSource(_ map: ConfigMap, load: inout LoadSettings) throws -> SourceSpec {
        guard let f = try map.map("files", known: filesKeys) else { throw map.fail(nil, "kind files needs a 'files:' block with a 'url'") }
        // One text is one pattern, commas and all ({a,b} is a glob); a list gives several.
        let urls: [String]
        switch f.node("url") {
        case .scalar?: urls = [try f.string("url")!]
        case .sequence?: urls = try f.stringList("url") ?? []
        case nil: throw f.fail(nil, "missing required key 'url'")
        default: throw f.fail("url", "'url' must be a URL or glob, or a list of them")
        }
        guard !urls.isEmpty, urls.allSatisfy({ !$0.isEmpty }) else { throw f.fail("url", "'url' must not be empty") }
        var s = FilesSettings(urls: urls)
        if let text = try f.string("format") {
            guard let format = FilesFormat(rawValue: text) else {
                throw f.fail("format", "'format' must be \(FilesFormat.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
            }
            s.format = format
        }
        if let csv = try f.map("csv", known: csvKeys.filter { $0 != "path" }) { s.csv = try csvSettings(csv) }
        if let json = try f.map("json", known: jsonKeys.filter { $0 != "path" }) { s.json = try jsonOptions(json, inputPath: "") }
        s.hiveColumns = try f.bool("hive_columns") ?? false
        s.fileColumn = try f.nonEmpty("file_column")
        s.incremental = try f.bool("incremental") ?? false
        if let text = try f.string("since") {
            guard let date = FilesState.parseDate(text) else {
                throw f.fail("since", "'since' must be an ISO 8601 time like 2025-01-01T00:00:00Z or a date, not '\(text)'")
            }
            s.since = date
        }
        let access = LandingAccess(endpoint: try f.nonEmpty("endpoint"), accessKeyID: try f.nonEmpty("access_key_id"),
                                   secretAccessKey: try f.nonEmpty("secret_access_key"), region: try f.nonEmpty("region"))
        if access != LandingAccess() {
            if (access.accessKeyID == nil) != (access.secretAccessKey == nil) {
                throw f.fail(access.accessKeyID == nil ? "secret_access_key" : "access_key_id",
                             "give both 'access_key_id' and 'secret_access_key', or neither")
            }
            s.landing = access
        }
        if let text = try f.string("bad_files") {
            guard let p = BadFilesPolicy(rawValue: text) else { throw f.fail("bad_files", "'bad_files' must be fail or skip, not '\(text)'") }
            s.badFiles = p
        }
        if let text = try f.string("on_change") {
            guard let p = ChangedObjectPolicy(rawValue: text) else {
                throw f.fail("on_change", "'on_change' must be \(ChangedObjectPolicy.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
            }
            s.onChange = p
        }
        s.allowEmpty = try f.bool("allow_empty") ?? false
        s.concurrency = try f.int("concurrency") ?? s.concurrency
        if let text = try f.string("spool_limit") {
            guard let size = ByteSize.parse(text) else { throw f.fail("spool_limit", "'spool_limit' must be a size like 10GiB or 500MB, not '\(text)'") }
            s.spoolLimit = size
        }
        s.deleteSource = try f.bool("delete_source") ?? false
        s.moveTo = try f.nonEmpty("move_to")
        s.stateKeys = try f.int("state_keys") ?? s.stateKeys
        do { try s.validate() } catch let e as InvalidSetting {
            throw f.failValue(e.setting, "'\(e.setting)' \(e.message)")
        } catch {
            throw f.fail("url", "\(error)")
        }
        if s.incremental {
            // Each incremental load brings only the new objects: appended, never replacing the dataset.
            if load.mode == nil { load.mode = WriteMode.append.rawValue }
            if load.mode == WriteMode.replace.rawValue {
                throw map.fail("mode", "'mode' replace would keep only the new objects' rows; incremental files loads append (or replace-partitions)")
            }
        }
        if let why = s.onChange.conflict(primaryKey: load.primaryKey) { throw f.fail("on_change", "'on_change' \(why)") }
        return .files(s)
    }

    /// `schema: {zip: string}` or `schema: "zip=string,amount=decimal(12,2)"`.
    static func schema(_ map: ConfigMap) throws -> [String: DataType] {
        if case .mapping = map.node("schema"), let pairs = try map.stringPairs("schema") {
            var out: [String: DataType] = [:]
            for (column, text) in pairs {
                guard let t = DataType(parsing: text) else {
                    throw map.fail("schema", "'schema.\(column)': unknown type '\(text)' (e.g. int64, float64, decimal(12,2), date, timestamp, string)")
                }
                out[column] = t
            }
            return out
        }
        guard let text = try map.string("schema") else { return [:] }
        return try CSVSettings.parseSchema(text)
    }

    private static func cursorUsageSource(_ map: ConfigMap) throws -> SourceSpec {
        guard let block = try map.map("cursor_usage", known: ["dir", "path"]) else { return .cursorUsage(path: nil, dir: "data_sources") }
        let path = try block.nonEmpty("path"), dir = try block.nonEmpty("dir")
        if path != nil, dir != nil { throw block.fail("dir", "give 'path' or 'dir', not both") }
        return .cursorUsage(path: path, dir: dir ?? "data_sources")
    }

    private static func domoSource(_ map: ConfigMap) throws -> SourceSpec {
        guard let d = try map.map("domo", known: domoKeys) else { throw map.fail(nil, "kind domo needs a 'domo:' block with a 'dataset_id'") }
        guard let id = try d.nonEmpty("dataset_id") else { throw d.fail(nil, "missing required key 'dataset_id'") }
        if let problem = DomoDatasetIdRule.problem(with: id) {
            throw d.fail("dataset_id", "'dataset_id' '\(d.written("dataset_id"))': it \(problem)")
        }
        var spec = DomoSpec(datasetId: id)
        spec.clientId = try d.nonEmpty("client_id")
        spec.clientSecret = try d.nonEmpty("client_secret")
        spec.apiHost = try d.nonEmpty("api_host")
        spec.timezone = try d.string("timezone")
        if let zone = spec.timezone, TimeZone(identifier: zone) == nil {
            throw d.fail("timezone", "'timezone': unknown time zone '\(d.written("timezone"))' (use an IANA name such as Asia/Tokyo)")
        }
        if let text = try d.string("decimals") {
            guard let mode = DomoDecimalMode(rawValue: text) else { throw d.fail("decimals", "'decimals' must be double or exact") }
            spec.decimals = mode
        }
        do { spec.schema = try schema(d) } catch let e as InvalidSetting { throw d.fail("schema", "'schema' \(e.message)") }
        return .domo(spec)
    }
}
