import Columnar
import Connectors
import Lake
@testable import Pipelines
import Testing

/// `inlet.yaml`: the documented keys parse, and every mistake is one error naming the file,
/// the line and the key, before anything runs.
@Suite struct ConfigTests {
    static let full = """
    store: s3://analytics/lake
    pipelines:
      - name: orders
        kind: csv
        dataset_id: orders
        enabled: true
        partition_column: order date
        partition_timezone: UTC
        mode: replace-partitions
        keep_where: {column: exclude_flg, value: Not Exclude}
        rename: {old name: new_name}
        csv:
          path: data/orders.csv
          delimiter: ","
          encoding: cp932
          schema: {zip: string}
      - name: usage
        kind: cursor-usage
        cursor_usage: {dir: data_sources}
      - name: apac-due-date
        kind: domo
        partition_column: delivery completed date
        exclude_filter: {column: flag, keep_value: keep}
        domo:
          dataset_id: c1cddf9d-1f4e-4c1b-9a55-0f2d2b7a9e11
          client_id: ${DOMO_CLIENT_ID}
          client_secret: ${DOMO_CLIENT_SECRET}
          api_host: https://api.domo.com
    """

    let env = ["DOMO_CLIENT_ID": "client-1", "DOMO_CLIENT_SECRET": "sekrit-value-42"]

    func parse(_ yaml: String, env: [String: String]? = nil) throws -> PipelineConfig {
        try PipelineConfig.parse(yaml, file: "inlet.yaml", environment: env ?? self.env)
    }

    /// The error `yaml` gives, or nil (and an issue) when it parses.
    func error(_ yaml: String, env: [String: String]? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> ConfigError? {
        do {
            _ = try parse(yaml, env: env)
            Issue.record("expected a config error", sourceLocation: sourceLocation)
            return nil
        } catch let e as ConfigError {
            return e
        } catch {
            Issue.record("not a ConfigError: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    @Test func theDocumentedKeysParse() throws {
        let c = try parse(Self.full)
        #expect(c.store == "s3://analytics/lake")
        #expect(c.pipelines.map(\.name) == ["orders", "usage", "apac-due-date"])
        let orders = c.pipelines[0]
        #expect(orders.kind == .csv && orders.datasetId.rawValue == "orders" && orders.enabled && orders.line == 3)
        #expect(orders.load.partitionColumn == "order date" && orders.load.mode == "replace-partitions")
        #expect(orders.keepWhere?.column == "exclude_flg" && orders.keepWhere?.value == "Not Exclude")
        #expect(orders.rename.map { "\($0.0)→\($0.1)" } == ["old name→new_name"])
        guard case let .csv(path, settings) = orders.source else { Issue.record("not csv"); return }
        #expect(path == "data/orders.csv" && settings.delimiter == "," && settings.encoding == "cp932" && settings.schema == ["zip": .string])
        let usage = c.pipelines[1]
        #expect(usage.datasetId.rawValue == "usage", "dataset_id defaults to the name")
        #expect(usage.load.partitionColumn == "date", "the Cursor export is partitioned by its date")
        guard case let .cursorUsage(nil, dir) = usage.source else { Issue.record("not cursor-usage"); return }
        #expect(dir == "data_sources")
        let domo = c.pipelines[2]
        #expect(domo.keepWhere?.column == "flag" && domo.keepWhere?.value == "keep", "DOMO's exclude_filter is accepted")
        guard case let .domo(d) = domo.source else { Issue.record("not domo"); return }
        #expect(d.clientId == "client-1" && d.clientSecret == "sekrit-value-42", "${VAR} from the environment")
        #expect(d.datasetId == "c1cddf9d-1f4e-4c1b-9a55-0f2d2b7a9e11")
    }

    @Test func jsonPipelines() throws {
        let c = try parse("""
        pipelines:
          - name: events
            kind: json
            partition_column: created.at
            json: {path: data/events.jsonl.gz, records: data.items, flatten: true, schema: {tags: list<string>}, decimals: exact}
        """)
        guard case let .json(path, o) = c.pipelines[0].source else { Issue.record("not json"); return }
        #expect(path == "data/events.jsonl.gz" && o.records == "data.items" && o.flatten)
        #expect(o.inference.schemaOverrides == ["tags": .list(of: .string)] && o.inference.decimals == .exact)
        #expect(c.pipelines[0].load.partitionColumn == "created.at")
        #expect(error("pipelines:\n  - name: a\n    kind: json\n    json: {path: a.json, flaten: true}\n")?.description
            .contains("unknown key 'flaten' (did you mean 'flatten'?)") == true)
    }

    @Test func nullTildeOrNothingMeansAbsent() throws {
        let c = try parse("""
        store: ~
        pipelines:
          - name: a
            kind: csv
            dataset_id: null
            partition_column:
            mode: ~
            keep_where: null
            rename: ~
            enabled:
            csv: {path: a.csv, delimiter: null, schema: ~}
        """)
        let a = c.pipelines[0]
        #expect(c.store == nil && a.datasetId.rawValue == "a" && a.load.partitionColumn == nil && a.load.mode == nil)
        #expect(a.keepWhere == nil && a.rename.isEmpty && a.enabled)
    }

    @Test(arguments: [
        ("pipelines: [\n  {name: a, kind: csv, csv: {path: a.csv}\n", 2, "not valid YAML"),
        ("pipelines:\n  - name: a\n    kind: parquet\n    csv: {path: a.csv}\n", 3, "unknown kind 'parquet'"),
        ("pipelines:\n  - name: a\n    kind: cvs\n", 3, "unknown kind 'cvs' (did you mean 'csv'?"),
        ("pipelines:\n  - name: a\n    kind: csv\n    partiton_column: day\n    csv: {path: a.csv}\n", 4,
         "pipeline 'a': unknown key 'partiton_column' (did you mean 'partition_column'?)"),
        ("pipelines:\n  - name: a\n    kind: csv\n    csv: {path: a.csv, delimter: \";\"}\n", 4, "pipeline 'a', csv: unknown key 'delimter' (did you mean 'delimiter'?)"),
        ("pipelines:\n  - name: a\n    kind: csv\n    csv: {path: a.csv}\n  - name: a\n    kind: csv\n    csv: {path: b.csv}\n", 5,
         "pipeline 'a': duplicate name (first used on line 2)"),
        ("pipelines:\n  - name: a\n    kind: csv\n    enabled: maybe\n    csv: {path: a.csv}\n", 4, "'enabled' must be true or false"),
        ("pipelines:\n  - name: a\n    kind: csv\n    mode: overwrite\n    csv: {path: a.csv}\n", 4, "'mode' must be one of"),
        ("pipelines:\n  - name: a\n    kind: csv\n    csv: {path: a.csv, skip_rows: lots}\n", 4, "'skip_rows' must be a whole number"),
        ("pipelines:\n  - name: a b\n    kind: csv\n    csv: {path: a.csv}\n", 2, "'name' must be letters, digits"),
        ("pipelines:\n  - name: a\n    kind: csv\n", 2, "kind csv needs a 'csv:' block"),
        ("pipelines:\n  - name: a\n    kind: csv\n    csv: {path: a.csv}\n    domo: {dataset_id: x}\n", 5, "'domo' belongs to kind domo"),
        ("pipelines:\n  - name: a\n    kind: csv\n    partition_column: \"\"\n    csv: {path: a.csv}\n", 4, "'partition_column' must not be empty"),
        ("pipelines:\n  - name: a\n    kind: csv\n    dataset_id: ../x\n    csv: {path: a.csv}\n", 4, "invalid dataset id '../x'"),
        ("pipeline:\n  - name: a\n", 1, "unknown key 'pipeline' (did you mean 'pipelines'?)"),
        ("store: ./lake\n", 1, "missing key 'pipelines'"),
    ])
    func mistakesNameTheLineAndKey(yaml: String, line: Int, text: String) {
        guard let e = error(yaml) else { return }
        #expect(e.file == "inlet.yaml")
        #expect(e.line == line, "\(e)")
        #expect(e.description.contains(text), "\(e)")
        #expect(e.description.hasPrefix("inlet.yaml:\(line): "), "\(e)")
        #expect(!e.description.contains("\n"), "one line: \(e)")
        #expect(FailureKind.of(e) == .usage)
    }

    /// A missing variable is named; a value read from one never appears in a message.
    @Test func variablesAreNamedAndTheirValuesNeverShown() {
        let unset = error("pipelines:\n  - name: a\n    kind: domo\n    domo: {dataset_id: x1, client_secret: \"${NOT_SET_ANYWHERE}\"}\n")
        #expect(unset?.description.contains("${NOT_SET_ANYWHERE}, which is not set") == true, "\(String(describing: unset))")
        #expect(unset?.line == 4)
        let bad = error("pipelines:\n  - name: a\n    kind: csv\n    mode: \"${DOMO_CLIENT_SECRET}\"\n    csv: {path: a.csv}\n")
        #expect(bad?.description.contains("${DOMO_CLIENT_SECRET}") == true, "\(String(describing: bad))")
        #expect(bad?.description.contains("sekrit-value-42") == false, "\(String(describing: bad))")
    }
}
