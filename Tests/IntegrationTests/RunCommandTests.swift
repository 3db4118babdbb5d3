import Foundation
import Lake
import Testing
import TestSupport

/// `inlet run` over a config of pipelines, with the built binary: csv, cursor-usage and a DOMO
/// pipeline against the emulator, dry runs, concurrency, shards split between processes, a
/// failing pipeline among passing ones, secrets from `${VAR}`, and config errors.
@Suite(.enabled(if: DomoEmulator.available || TestEnvironment.required), .serialized)
final class RunCommandTests {
    let dir: URL
    var lake: String { dir.appendingPathComponent("lake").path }
    var config: String { dir.appendingPathComponent("inlet.yaml").path }
    static let secretVariable = "RUN_TEST_DOMO_SECRET"

    init() throws { dir = try TestEnvironment.temporaryDirectory("run") }
    deinit { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ text: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func run(_ args: [String], _ env: [String: String] = [:]) throws -> ProcessOutput {
        try runInlet(["run"] + args + ["--config", config, "--store", lake], environment: env, currentDirectory: dir)
    }

    func emulator() throws -> DomoEmulator {
        try DomoEmulator(["datasets": ["sales-1": [
            "name": "Sales", "rows": 3,
            "columns": [["name": "id", "type": "LONG"], ["name": "day", "type": "DATE"], ["name": "amount", "type": "DOUBLE"]],
            "csv": "id,day,amount\n1,2025-03-01,10.5\n2,2025-03-01,3\n3,2025-03-02,1.25\n",
        ]]])
    }

    /// The emulator's credentials, the secret under a variable the config names.
    func environment(_ emu: DomoEmulator) -> [String: String] {
        [Self.secretVariable: DomoEmulator.clientSecret, "DOMO_CLIENT_ID": DomoEmulator.clientId, "DOMO_API_HOST": emu.host,
         "DOMO_CLIENT_SECRET": ""]
    }

    func writeConfig() throws {
        _ = try write("inlet.yaml", """
        pipelines:
          - name: orders
            kind: csv
            partition_column: order date
            csv: {path: \(TestEnvironment.example("orders.csv"))}
          - name: usage
            kind: cursor-usage
            dataset_id: cursor-usage
            cursor_usage: {dir: \(TestEnvironment.packageRoot.appendingPathComponent("Examples").path)}
          - name: sales
            kind: domo
            partition_column: day
            domo:
              dataset_id: sales-1
              client_secret: ${\(Self.secretVariable)}
          - name: missing
            kind: csv
            csv: {path: no-such-export.csv}
        """)
    }

    /// One summary row per pipeline: name → its columns.
    func summary(_ out: String) -> [String: [String]] {
        var rows: [String: [String]] = [:]
        for line in out.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if let name = cells.first { rows[name] = cells }
        }
        return rows
    }

    @Test func everyKindLoadsAndOneFailureDoesNotStopTheOthers() throws {
        let emu = try emulator()
        try writeConfig()
        let r = try run(["--all"], environment(emu))
        #expect(r.status == 2, "the first failure is a usage error (a missing file): \(r.stderr)")
        let rows = summary(r.stdout)
        #expect(rows["orders"]?.contains("3,000") == true && rows["orders"]?.last == "ok", "\(r.stdout)")
        #expect(rows["usage"]?.contains("400") == true && rows["usage"]?.last == "ok", "\(r.stdout)")
        #expect(rows["sales"]?.contains("3") == true && rows["sales"]?.last == "ok", "\(r.stdout)")
        #expect(rows["missing"]?.last == "failed", "\(r.stdout)")
        #expect(r.stderr.contains("error: missing: cannot read 'no-such-export.csv'"), "\(r.stderr)")
        for id in ["orders", "cursor-usage", "sales"] {
            #expect(FileManager.default.fileExists(atPath: "\(lake)/datasets/\(id)/_manifest.json"), "\(id)")
        }
        // The secret came in through ${VAR}: it is nowhere in the output or the lake.
        var everything = r.stdout + r.stderr
        for case let path as String in FileManager.default.enumerator(atPath: lake)! where path.hasSuffix(".json") {
            everything += (try? String(contentsOfFile: lake + "/" + path, encoding: .utf8)) ?? ""
        }
        #expect(!everything.contains(DomoEmulator.clientSecret))
        for token in emu.issuedTokens { #expect(!everything.contains(token)) }

        let json = try run(["orders", "sales", "--json"], environment(emu))
        #expect(json.status == 0, "\(json.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(list.map { $0["pipeline"] as? String } == ["orders", "sales"])
        #expect(list.map { $0["status"] as? String } == ["ok", "ok"])
        #expect(list[1]["rows"] as? Int == 3 && list[1]["partitions"] as? Int == 2)
    }

    @Test func dryRunPublishesNothing() throws {
        let emu = try emulator()
        try writeConfig()
        let r = try run(["orders", "usage", "sales", "--dry-run"], environment(emu))
        #expect(r.status == 0, "\(r.stderr)")
        let rows = summary(r.stdout)
        #expect(["orders", "usage", "sales"].allSatisfy { rows[$0]?.suffix(2) == ["dry", "run"] }, "\(r.stdout)")
        #expect(r.stderr.contains("sales (DOMO sales-1): 3 rows"), "the DOMO plan comes from metadata: \(r.stderr)")
        #expect(emu.count("/v1/datasets/sales-1/data") == 0)
        #expect(!FileManager.default.fileExists(atPath: lake + "/datasets"))
    }

    @Test func concurrencyTwoLoadsTheSame() throws {
        let emu = try emulator()
        try writeConfig()
        let r = try run(["orders", "usage", "sales", "--concurrency", "2", "--json"], environment(emu))
        #expect(r.status == 0, "\(r.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(list.map { $0["pipeline"] as? String } == ["orders", "usage", "sales"], "results in config order")
        #expect(list.map { $0["rows"] as? Int } == [3000, 400, 3])
    }

    /// N workers with --shard i/N over one config load each pipeline exactly once between them.
    @Test func shardsSplitTwelvePipelinesBetweenThreeWorkers() throws {
        var yaml = "pipelines:\n"
        for i in 0 ..< 12 {
            let csv = try write("p\(i).csv", "id,v\n\(i),\(i * 10)\n")
            yaml += "  - {name: p\(i), kind: csv, csv: {path: \(csv)}}\n"
        }
        _ = try write("inlet.yaml", yaml)
        let workers = try (0 ..< 3).map { i in
            try Launched(["run", "--all", "--shard", "\(i)/3", "--json", "--config", config, "--store", lake], environment: ["NO_COLOR": "1"],
                         stderr: dir.appendingPathComponent("shard-\(i).err"))
        }
        var ran: [String] = []
        for w in workers {
            let out = w.wait()
            #expect(out.status == 0, "\(out.stderr)")
            let list = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]])
            ran += list.compactMap { $0["pipeline"] as? String }
        }
        #expect(ran.sorted() == (0 ..< 12).map { "p\($0)" }.sorted(), "each pipeline in exactly one shard: \(ran.sorted())")
        for i in 0 ..< 12 {
            let manifest = try String(contentsOfFile: "\(lake)/datasets/p\(i)/_manifest.json", encoding: .utf8)
            #expect(manifest.contains("\"rows\" : 1"), "p\(i)")
        }
    }

    /// Each mistake is one line naming what to fix, exit 2, and nothing is loaded.
    @Test(arguments: [
        ("pipelines: [\n  {name: a, kind: csv\n", [String](), "inlet.yaml:2: not valid YAML"),
        ("pipelines:\n  - name: a\n    kind: excel\n    csv: {path: a.csv}\n", [], "inlet.yaml:3: pipeline 'a': unknown kind 'excel'"),
        ("pipelines:\n  - name: a\n    kind: csv\n    partition_col: day\n    csv: {path: a.csv}\n", [],
         "inlet.yaml:4: pipeline 'a': unknown key 'partition_col' (did you mean 'partition_column'?)"),
        ("pipelines:\n  - {name: a, kind: csv, csv: {path: a.csv}}\n  - {name: a, kind: csv, csv: {path: b.csv}}\n", [],
         "inlet.yaml:3: pipeline 'a': duplicate name (first used on line 2)"),
        ("pipelines:\n  - {name: a, kind: csv, csv: {path: a.csv}}\n", ["--shard", "3/2"], "--shard 3/2: the index I must be from 0 to 1"),
        ("pipelines:\n  - {name: a, kind: csv, csv: {path: a.csv}}\n", ["--shard", "a/b"], "--shard a/b: write it as I/N"),
    ])
    func configErrorsAreOneLineAndLoadNothing(yaml: String, extra: [String], message: String) throws {
        _ = try write("a.csv", "id\n1\n")
        _ = try write("inlet.yaml", yaml)
        let r = try run(["--all"] + extra)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("error: " + (message.hasPrefix("--") ? message : dir.appendingPathComponent("inlet.yaml").path + message.dropFirst("inlet.yaml".count))), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: lake), "nothing loaded")
    }
}
