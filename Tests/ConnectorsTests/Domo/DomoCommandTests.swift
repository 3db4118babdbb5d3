import Columnar
import Foundation
import TestSupport
import Parquet
import Testing

/// `inlet domo` end to end against the emulator: the built binary, a YAML config, a local lake.
@Suite(.enabled(if: DomoEmulator.available), .serialized)
final class DomoCommandTests {
    let dir: URL
    var lake: String { dir.appendingPathComponent("lake").path }
    var configPath: String { dir.appendingPathComponent("domo_datasets.yaml").path }
    var outputs: [String] = []

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("domo-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    static let salesCSV = """
    order id,order date,amount,exclude_flg,note
    1,2025-03-01,10.5,Not Exclude,first
    2,2025-03-01,,Not Exclude,""
    3,2025-03-02,7.25,Exclude,dropped
    4,2025-03-02,1.0,Not Exclude,

    """

    static let salesColumns: [[String: String]] = [
        ["name": "order id", "type": "LONG"], ["name": "order date", "type": "DATE"], ["name": "amount", "type": "DOUBLE"],
        ["name": "exclude_flg", "type": "STRING"], ["name": "note", "type": "STRING"],
    ]

    func emulator(dropSales: Bool = false) throws -> DomoEmulator {
        var sales: [String: Any] = ["name": "Sales", "columns": Self.salesColumns, "csv": Self.salesCSV, "rows": 4]
        if dropSales { sales["drop_after_bytes"] = 60 }
        return try DomoEmulator(["datasets": ["sales-1": sales], "faults": [["path": "/v1/datasets/broken-2", "times": 100, "status": 500]]])
    }

    func writeConfig(_ text: String? = nil) throws {
        try (text ?? """
        datasets:
          - name: "Sales"
            domo_dataset_id: "sales-1"
            minio_dataset_id: "sales"
            partition_column: "order date"
            enabled: true
            exclude_filter:
              column: "exclude_flg"
              keep_value: "Not Exclude"
          - name: "Broken"
            domo_dataset_id: "broken-2"
            minio_dataset_id: "broken"
            enabled: true
        """).write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func inlet(_ args: [String], _ emu: DomoEmulator) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = DomoEmulator.packageRoot.appendingPathComponent(".build/debug/inlet")
        p.arguments = args + ["--config", configPath, "--store", lake]
        p.environment = ProcessInfo.processInfo.environment.merging(emu.environment) { $1 }.merging(["NO_COLOR": "1"]) { $1 }
        let out = dir.appendingPathComponent("out-\(UUID().uuidString)"), err = dir.appendingPathComponent("err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        p.waitUntilExit()
        let o = (try? String(contentsOf: out, encoding: .utf8)) ?? "", e = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        outputs.append(o + e)
        return (p.terminationStatus, o, e)
    }

    func rows(ofPartition name: String) throws -> [[Value]] {
        let folder = "\(lake)/datasets/sales/partitions/\(name)"
        var out: [[Value]] = []
        for f in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where f.hasSuffix(".parquet") {
            for b in try ParquetFileReader(path: "\(folder)/\(f)").readAll() { out += (0 ..< b.rowCount).map(b.row) }
        }
        return out
    }

    func assertNoSecrets(_ emu: DomoEmulator) {
        for text in outputs {
            #expect(!text.contains(DomoEmulator.clientSecret))
            for token in emu.issuedTokens { #expect(!text.contains(token)) }
        }
    }

    @Test func allLoadsTheFilteredPartitionedDatasetAndReportsTheFailingOne() throws {
        let emu = try emulator()
        try writeConfig()
        let r = try inlet(["domo", "--all"], emu)
        #expect(r.status == 4, "a failed dataset makes the run fail: \(r.err)")
        #expect(r.out.contains("Sales") && r.out.contains("Broken") && r.out.contains("failed"), "\(r.out)")
        #expect(try rows(ofPartition: "date=2025-03-01") == [
            [.int(1), .date(20148), .float(10.5), .string("Not Exclude"), .string("first")],
            [.int(2), .date(20148), .null, .string("Not Exclude"), .string("")],
        ])
        #expect(try rows(ofPartition: "date=2025-03-02") == [[.int(4), .date(20149), .float(1.0), .string("Not Exclude"), .null]])
        assertNoSecrets(emu)
    }

    @Test func dryRunWritesNothing() throws {
        let emu = try emulator()
        try writeConfig()
        let r = try inlet(["domo", "--dataset", "Sales", "--dry-run"], emu)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("order date: date"), "\(r.out)")
        #expect(!FileManager.default.fileExists(atPath: lake + "/datasets"))
        #expect(emu.count("/v1/datasets/sales-1/data") == 0)
        assertNoSecrets(emu)
    }

    /// `--json`: one object per dataset, its keys in snake_case, the exit status kept out.
    @Test func jsonReportsEachDatasetInSnakeCase() throws {
        let emu = try emulator()
        try writeConfig()
        let r = try inlet(["domo", "--dataset", "Sales", "--json"], emu)
        #expect(r.status == 0, "\(r.err)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        #expect(Set(list.first?.keys.map { $0 } ?? []) == ["name", "lake_dataset_id", "rows_in", "rows_kept", "partitions", "seconds", "status", "targets"])
        #expect(list.first?["rows_in"] as? Int == 4 && list.first?["rows_kept"] as? Int == 3)
        assertNoSecrets(emu)
    }

    @Test func anExportCutOffKeepsThePreviousVersion() throws {
        let good = try emulator()
        try writeConfig()
        #expect(try inlet(["domo", "--dataset", "sales"], good).status == 0)
        let before = try rows(ofPartition: "date=2025-03-01")
        good.stop()
        let cut = try emulator(dropSales: true)
        let r = try inlet(["domo", "--dataset", "Sales"], cut)
        #expect(r.status == 4, "\(r.err)")
        #expect(r.err.contains("Sales"), "\(r.err)")
        #expect(try rows(ofPartition: "date=2025-03-01") == before)
        assertNoSecrets(cut)
    }

    /// SIGTERM while an export downloads (the emulator stalls it): exit 143, and the spool
    /// folder under TMPDIR is gone with the process.
    @Test func signalDuringAnExportRemovesTheSpool() throws {
        let emu = try DomoEmulator(["datasets": ["sales-1": ["name": "Sales", "columns": Self.salesColumns, "csv": Self.salesCSV, "rows": 4,
                                                             "stall_after_bytes": 60, "stall_seconds": 60]]])
        try writeConfig()
        let tmp = dir.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = DomoEmulator.packageRoot.appendingPathComponent(".build/debug/inlet")
        p.arguments = ["domo", "--dataset", "Sales", "--config", configPath, "--store", lake]
        p.environment = ProcessInfo.processInfo.environment.merging(emu.environment) { $1 }.merging(["NO_COLOR": "1", "TMPDIR": tmp.path]) { $1 }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        func spools() -> [String] { ((try? FileManager.default.subpathsOfDirectory(atPath: tmp.path)) ?? []).filter { $0.hasSuffix(".partial") } }
        let deadline = Date().addingTimeInterval(30)
        while spools().isEmpty, p.isRunning, Date() < deadline { usleep(5_000) }
        #expect(!spools().isEmpty && p.isRunning, "the export did not start spooling")
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationStatus == 128 + SIGTERM)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
    }

    @Test func configErrorsNameTheLineBeforeAnyNetworkCall() throws {
        let emu = try emulator()
        try writeConfig("""
        datasets:
          - name: "Sales"
            domo_dataset_id: "sales-1"
            minio_dataset_id: "sales"
            colour: "blue"
        """)
        let r = try inlet(["domo", "--all"], emu)
        #expect(r.status == 2)
        #expect(r.err.contains("line 5") || r.err.contains(":5"), "\(r.err)")
        #expect(emu.count("/oauth/token") == 0)
        let list = try inlet(["domo", "--list"], emu)
        #expect(list.status == 2)
    }

    @Test func listMakesNoNetworkCall() throws {
        let emu = try emulator()
        try writeConfig()
        let r = try inlet(["domo", "--list"], emu)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("sales-1") && r.out.contains("broken"), "\(r.out)")
        #expect(emu.count("/oauth/token") == 0)
    }
}
