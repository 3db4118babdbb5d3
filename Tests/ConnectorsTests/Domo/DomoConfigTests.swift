import Columnar
import Foundation
import Connectors
import Testing

@Suite("DOMO config")
struct DomoConfigTests {
    /// The users' file format, exactly as load_domo.py read it.
    static let usersFile = """
    datasets:
      - name: "APAC DOT join Due Date change(first time)"
        domo_dataset_id: "c1cddf9d-4a43-4bd1-9f4e-2b9c7e0d1a55"
        minio_dataset_id: "apac-dot-due-date"
        partition_column: "delivery completed date"
        enabled: true
        exclude_filter:
          column: "exclude_flg"
          keep_value: "Not Exclude"
      - name: "Inventory snapshot"
        domo_dataset_id: "08a061e2-12a2-4646-b4bc-20beddb403e3"
        minio_dataset_id: "inventory_snapshot"
        enabled: false
    """

    func configError(_ yaml: String) -> DomoError? {
        do {
            _ = try DomoConfig.parse(yaml: yaml, file: "config/domo_datasets.yaml")
            return nil
        } catch let error as DomoError {
            return error
        } catch {
            return nil
        }
    }

    func expectError(_ yaml: String, line: Int, entry: String?, containing text: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error = configError(yaml) else {
            Issue.record("expected a config error mentioning \(text)", sourceLocation: sourceLocation)
            return
        }
        guard case let .invalidConfig(file, l, e, message) = error else {
            Issue.record("not a config error: \(error)", sourceLocation: sourceLocation)
            return
        }
        #expect(file == "config/domo_datasets.yaml", sourceLocation: sourceLocation)
        #expect(l == line, "\(error)", sourceLocation: sourceLocation)
        #expect(e == entry, "\(error)", sourceLocation: sourceLocation)
        #expect(message.contains(text), "\(error)", sourceLocation: sourceLocation)
        #expect(error.description.hasPrefix("config/domo_datasets.yaml:\(line)"), sourceLocation: sourceLocation)
        #expect(!error.isRemote, sourceLocation: sourceLocation)
    }

    @Test func parsesTheUsersFormat() throws {
        let config = try DomoConfig.parse(yaml: Self.usersFile, file: "x.yaml")
        #expect(config.datasets.count == 2)
        let first = config.datasets[0]
        #expect(first.name == "APAC DOT join Due Date change(first time)")
        #expect(first.domoDatasetId == "c1cddf9d-4a43-4bd1-9f4e-2b9c7e0d1a55")
        #expect(first.lakeDatasetId == "apac-dot-due-date")
        #expect(first.partitionColumn == "delivery completed date")
        #expect(first.enabled)
        #expect(first.excludeFilter == .init(column: "exclude_flg", keepValue: "Not Exclude"))
        #expect(first.schema.isEmpty)
        #expect(first.line == 2)
        let second = config.datasets[1]
        #expect(!second.enabled)
        #expect(second.partitionColumn == nil)
        #expect(second.excludeFilter == nil)
        #expect(second.line == 10)
        #expect(config.enabledDatasets.map(\.name) == [first.name])
        #expect(config.dataset(named: "inventory_snapshot")?.name == "Inventory snapshot")
        #expect(config.dataset(named: "Inventory snapshot")?.lakeDatasetId == "inventory_snapshot")
        #expect(config.dataset(named: "nope") == nil)
    }

    /// PyYAML read `null`, `~` and an empty value as None: real configs mark an unpartitioned,
    /// unfiltered dataset that way, and every optional key must read them as absent.
    @Test func nullOptionalKeysAreAbsent() throws {
        let config = try DomoConfig.parse(yaml: """
        datasets:
          - name: "JP sales targets"
            domo_dataset_id: "5b0c6a1e-8d3f-4e27-b1c9-7a6f2e4d3c21"
            minio_dataset_id: "jp-sales-targets"
            partition_column: null
            enabled: true
            exclude_filter: null
          - name: tilde
            domo_dataset_id: "6b0c6a1e-8d3f-4e27-b1c9-7a6f2e4d3c21"
            minio_dataset_id: tilde
            partition_column: ~
            exclude_filter: ~
            partition_timezone: ~
            mode: ~
            timezone: ~
            schema: ~
            enabled: ~
          - name: empty
            domo_dataset_id: "7b0c6a1e-8d3f-4e27-b1c9-7a6f2e4d3c21"
            minio_dataset_id: empty
            partition_column:
            exclude_filter:
            schema: {amount: null, zip: string}
        """, file: "x.yaml")
        #expect(config.datasets.count == 3)
        for d in config.datasets {
            #expect(d.partitionColumn == nil, "\(d.name)")
            #expect(d.excludeFilter == nil, "\(d.name)")
            #expect(d.partitionTimezone == nil && d.mode == nil && d.timezone == nil, "\(d.name)")
            #expect(d.enabled, "\(d.name): a null 'enabled' takes the default")
        }
        #expect(config.datasets[2].schema == ["zip": .string])
    }

    @Test func quotedEmptyPartitionColumnStaysAnError() {
        expectError("""
        datasets:
          - name: a
            domo_dataset_id: "5b0c6a1e-8d3f-4e27-b1c9-7a6f2e4d3c21"
            minio_dataset_id: a
            partition_column: ""
        """, line: 5, entry: "a", containing: "'partition_column' must not be empty")
        expectError("""
        datasets:
          - name: a
            domo_dataset_id: null
            minio_dataset_id: a
        """, line: 2, entry: "a", containing: "'domo_dataset_id' must have a value, not null")
        expectError("""
        datasets:
          - name: a
            domo_dataset_id: "5b0c6a1e-8d3f-4e27-b1c9-7a6f2e4d3c21"
            minio_dataset_id: a
            exclude_filter: {column: flag, keep_value: null}
        """, line: 5, entry: "a", containing: "'exclude_filter' is missing 'keep_value'")
    }

    @Test func enabledDefaultsToTrueAndOptionalKeysParse() throws {
        let config = try DomoConfig.parse(yaml: """
        datasets:
          - name: Sales
            domo_dataset_id: abc-123
            minio_dataset_id: sales
            schema:
              amount: decimal(12,2)
              "order id": int64
              shipped: timestamp[us, UTC]
            partition_timezone: Asia/Tokyo
            timezone: America/New_York
            mode: replace
            exclude_filter:
              column: flag
              keep_value: 1
        """, file: "c.yaml")
        let ds = config.datasets[0]
        #expect(ds.enabled)
        #expect(ds.schema == ["amount": .decimal(precision: 12, scale: 2), "order id": .int64,
                              "shipped": .timestamp(unit: .microsecond, utc: true)])
        #expect(ds.schemaOrder == ["amount", "order id", "shipped"])
        #expect(ds.partitionTimezone == "Asia/Tokyo")
        #expect(ds.timezone == "America/New_York")
        #expect(ds.mode == "replace")
        // keep_value is compared with CSV text, so a YAML number is its text.
        #expect(ds.excludeFilter?.keepValue == "1")
    }

    @Test func emptyListIsValid() throws {
        #expect(try DomoConfig.parse(yaml: "datasets: []\n", file: "c").datasets.isEmpty)
        #expect(try DomoConfig.parse(yaml: "datasets:\n", file: "c").datasets.isEmpty)
    }

    @Test func unknownKeyNamesEntryAndLine() {
        expectError("""
        datasets:
          - name: Sales
            domo_dataset_id: abc
            minio_dataset_id: sales
            partition_colum: day
        """, line: 5, entry: "Sales", containing: "unknown key 'partition_colum'")
    }

    @Test func unknownTopLevelKey() {
        expectError("datasets: []\nsettings: {}\n", line: 2, entry: nil, containing: "unknown key 'settings'")
    }

    @Test func missingRequiredKeyNamesEntryLine() {
        expectError("""
        datasets:
          - name: Sales
            domo_dataset_id: abc
            minio_dataset_id: sales
          - name: Returns
            domo_dataset_id: def
        """, line: 5, entry: "Returns", containing: "missing required key 'minio_dataset_id'")
        expectError("""
        datasets:
          - domo_dataset_id: def
            minio_dataset_id: returns
        """, line: 2, entry: "#1", containing: "missing required key 'name'")
    }

    @Test func duplicateNameAndIds() {
        expectError("""
        datasets:
          - name: Sales
            domo_dataset_id: abc
            minio_dataset_id: sales
          - name: Sales
            domo_dataset_id: def
            minio_dataset_id: sales2
        """, line: 5, entry: "Sales", containing: "duplicate name (first used on line 2)")
        expectError("""
        datasets:
          - name: Sales
            domo_dataset_id: abc
            minio_dataset_id: sales
          - name: Sales EU
            domo_dataset_id: abc
            minio_dataset_id: sales-eu
        """, line: 5, entry: "Sales EU", containing: "duplicate domo_dataset_id 'abc'")
        expectError("""
        datasets:
          - name: Sales
            domo_dataset_id: abc
            minio_dataset_id: sales
          - name: Sales EU
            domo_dataset_id: def
            minio_dataset_id: sales
        """, line: 5, entry: "Sales EU", containing: "duplicate minio_dataset_id 'sales'")
        expectError("""
        datasets:
          - name: Sales
            domo_dataset_id: abc
            minio_dataset_id: sales
            name: Other
        """, line: 5, entry: "Sales", containing: "duplicate key 'name'")
    }

    @Test func invalidDatasetIds() {
        let cases: [(String, String)] = [
            ("a/b", "contains '/'"),
            ("a..b", "contains '..'"),
            (".hidden", "starts with '.'"),
            ("_tmp", "starts with '_'"),
            ("sales data", "contains ' '"),
            ("ünï", "contains 'ü'"),
            (String(repeating: "x", count: 201), "longer than 200"),
        ]
        for (id, problem) in cases {
            expectError("""
            datasets:
              - name: Sales
                domo_dataset_id: abc
                minio_dataset_id: "\(id)"
            """, line: 4, entry: "Sales", containing: problem)
        }
        expectError("""
        datasets:
          - name: Sales
            domo_dataset_id: "../etc"
            minio_dataset_id: sales
        """, line: 3, entry: "Sales", containing: "invalid domo_dataset_id")
        #expect(DomoDatasetIdRule.problem(with: String(repeating: "x", count: 200)) == nil)
        #expect(DomoDatasetIdRule.problem(with: "a.b-c_d.9") == nil)
    }

    @Test func badValues() {
        expectError("""
        datasets:
          - name: Sales
            domo_dataset_id: abc
            minio_dataset_id: sales
            enabled: sometimes
        """, line: 5, entry: "Sales", containing: "'enabled' must be true or false")
        expectError("""
        datasets:
          - name: Sales
            domo_dataset_id: abc
            minio_dataset_id: sales
            schema:
              amount: money
        """, line: 6, entry: "Sales", containing: "unknown type 'money'")
        expectError("""
        datasets:
          - name: Sales
            domo_dataset_id: abc
            minio_dataset_id: sales
            timezone: Mars/Olympus
        """, line: 5, entry: "Sales", containing: "unknown time zone 'Mars/Olympus'")
        expectError("""
        datasets:
          - name: Sales
            domo_dataset_id: abc
            minio_dataset_id: sales
            exclude_filter:
              column: flag
              keep: x
        """, line: 7, entry: "Sales", containing: "unknown key 'exclude_filter.keep'")
        expectError("""
        datasets:
          - name: Sales
            domo_dataset_id: abc
            minio_dataset_id: sales
            exclude_filter:
              column: flag
        """, line: 6, entry: "Sales", containing: "missing 'keep_value'")
        expectError("""
        datasets:
          - name: ""
            domo_dataset_id: abc
            minio_dataset_id: sales
        """, line: 2, entry: "#1", containing: "'name' must not be empty")
        expectError("datasets:\n  - just a string\n", line: 2, entry: "#1", containing: "must be a mapping")
        expectError("datasets: 5\n", line: 1, entry: nil, containing: "must be a list")
    }

    @Test func yamlSyntaxErrorNamesLine() {
        expectError("""
        datasets:
          - name: Sales
            domo_dataset_id: "abc
            minio_dataset_id: sales
        """, line: 3, entry: nil, containing: "YAML syntax error")
    }

    @Test func loadReadsFileAndReportsMissingFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-domo-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("domo_datasets.yaml").path
        try Self.usersFile.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try DomoConfig.load(path: path).datasets.count == 2)
        #expect(throws: DomoError.self) { try DomoConfig.load(path: dir.appendingPathComponent("none.yaml").path) }
    }
}
