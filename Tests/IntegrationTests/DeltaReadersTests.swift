import Foundation
import Testing

/// Delta tables Inlet writes, read by delta-rs (deltalake), polars and DuckDB 1.4.4's delta
/// extension through `Tests/TestSupport/delta_read.py`: every version, locally and on moto,
/// with the values loaded; many processes committing at once; loads killed mid-way.
@Suite(.enabled(if: TestEnvironment.python != nil || TestEnvironment.required), .serialized)
final class DeltaReadersTests {
    let dir: URL
    let prefix = "delta-\(UUID().uuidString.prefix(8).lowercased())"

    init() throws { dir = try TestEnvironment.temporaryDirectory("delta") }
    deinit { try? FileManager.default.removeItem(at: dir) }

    static let readerScript = TestEnvironment.packageRoot.appendingPathComponent("Tests/TestSupport/delta_read.py").path

    /// Where a test's lake is, the URI readers open, and the environment both need.
    struct Place {
        var store: String
        var table: (String) -> String
        var env: [String: String]
    }

    func place(_ kind: String) throws -> Place {
        if kind == "local" {
            let lake = dir.appendingPathComponent("lake").path
            return Place(store: lake, table: { lake + "/datasets/" + $0 }, env: [:])
        }
        let s = try S3TestServer.shared()
        let tmp = dir.appendingPathComponent("tmp-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        return Place(store: "s3://\(s.bucket)/\(prefix)", table: { "s3://\(s.bucket)/\(self.prefix)/datasets/\($0)" },
                     env: ["AWS_ENDPOINT_URL_S3": s.endpoint, "AWS_ACCESS_KEY_ID": s.accessKeyID, "AWS_SECRET_ACCESS_KEY": s.secretAccessKey,
                           "AWS_REGION": s.region, "TMPDIR": tmp.path])
    }

    /// Rows `id,name,amount,created_at,seen_local`: created_at a UTC instant on `day`, seen_local a naive timestamp.
    func csv(_ name: String, _ rows: [(id: Int, day: Int)]) throws -> String {
        var text = "id,name,amount,created_at,seen_local\n"
        for r in rows {
            let hh = String(format: "%02d", r.id % 24)
            text += "\(r.id),n\(r.id),\(r.id).25,2024-03-\(String(format: "%02d", r.day))T\(hh):15:00Z,2024-03-\(String(format: "%02d", r.day)) \(hh):15:00.5\n"
        }
        let url = dir.appendingPathComponent(name + ".csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func upload(_ file: String, _ id: String, _ p: Place, _ extra: [String] = []) throws -> ProcessOutput {
        try runInlet(["upload", file, "--dataset-id", id, "--partition-col", "created_at", "--table-format", "delta", "--store", p.store] + extra,
                     environment: p.env)
    }

    /// The table as `reader` reads it at `version`: canonical JSON lines sorted by id.
    func read(_ uri: String, _ reader: String, version: Int? = nil, _ p: Place) throws -> [String] {
        var args = [Self.readerScript, uri, "--reader", reader, "--sort", "id"]
        if let version { args += ["--version", String(version)] }
        let python = TestEnvironment.python!
        var env = p.env
        if let duck = ProcessInfo.processInfo.environment["INLET_TEST_DUCKDB144_PYTHON"] { env["INLET_TEST_DUCKDB144_PYTHON"] = duck }
        return try runProcess(python, args, environment: env).split(separator: "\n").map(String.init)
    }

    func ids(_ lines: [String]) throws -> [Int] {
        try lines.map { line in
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(o["id"] as? Int)
        }
    }

    @Test(arguments: ["local", "s3"])
    func everyReaderReadsEveryVersionAsItWasLoaded(_ kind: String) throws {
        let p = try place(kind)
        let a = (1 ... 6).map { (id: $0, day: 1 + $0 % 3) }            // days 1-3
        let b = (7 ... 9).map { (id: $0, day: 3 + $0 % 2) }            // days 3-4
        let c = [(id: 10, day: 1), (id: 11, day: 5)]
        let d = [(id: 20, day: 9)]
        for (file, rows, mode) in [("a", a, nil), ("b", b, "replace-partitions"), ("c", c, "append"), ("d", d, "replace")] as [(String, [(id: Int, day: Int)], String?)] {
            let r = try upload(try csv(file, rows), "sales", p, mode.map { ["--mode", $0] } ?? [])
            #expect(r.status == 0, "\(r.stderr)")
        }
        // What each version holds: b replaced day 3 of a; c appended; d replaced everything.
        let afterB = a.filter { $0.day != 3 }.map(\.id) + b.map(\.id)
        let expected: [[Int]] = [a.map(\.id), afterB, afterB + c.map(\.id), d.map(\.id)].map { $0.sorted() }
        let uri = p.table("sales")
        for (version, want) in expected.enumerated() {
            let byDeltaRS = try read(uri, "deltalake", version: version, p)
            #expect(try ids(byDeltaRS) == want, "deltalake, version \(version)")
            #expect(try read(uri, "polars", version: version, p) == byDeltaRS, "polars, version \(version)")
            #expect(try read(uri, "duckdb", version: version, p) == byDeltaRS, "duckdb, version \(version)")
        }
        // Values as loaded, the partition a date column, the naive timestamp without a zone.
        let latest = try read(uri, "deltalake", p)
        let row = try #require(try JSONSerialization.jsonObject(with: Data(latest[0].utf8)) as? [String: Any])
        #expect(row["name"] as? String == "n20")
        #expect(row["created_at"] as? String == "2024-03-09T20:15:00.000000Z")
        #expect(row["seen_local"] as? String == "2024-03-09T20:15:00.500000")
        #expect(row["date"] as? String == "2024-03-09")
        #expect("\(row["amount"] ?? "")" == "20.25")
        // Inlet's own view agrees.
        let shown = try runInlet(["show", "sales", "--version", "1", "--rows", "100", "--json", "--store", p.store], environment: p.env)
        #expect(shown.status == 0, "\(shown.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect((doc["rows"] as? [Any])?.count == afterB.count)
        let history = try runInlet(["show", "sales", "--history", "--store", p.store], environment: p.env)
        #expect(history.stdout.contains("WRITE (replace)") && history.stdout.contains("WRITE (append)"))
    }

    @Test func eightProcessesCommitToOneTableOnS3() throws {
        let p = try place("s3")
        // Four append into days of their own, four replace days of their own: no two overlap.
        var launched: [Launched] = []
        for w in 0 ..< 8 {
            let rows = (0 ..< 50).map { (id: w * 1000 + $0, day: 1 + w) }
            let args = ["upload", try csv("w\(w)", rows), "--dataset-id", "shared", "--partition-col", "created_at", "--table-format", "delta",
                        "--store", p.store, "--mode", w % 2 == 0 ? "append" : "replace-partitions"]
            launched.append(try Launched(args, environment: p.env, stderr: dir.appendingPathComponent("err-\(w)")))
        }
        for (w, l) in launched.enumerated() {
            let r = l.wait()
            #expect(r.status == 0, "worker \(w): \(r.stderr)")
        }
        let uri = p.table("shared")
        let all = try ids(try read(uri, "deltalake", p))
        #expect(all == (0 ..< 8).flatMap { w in (0 ..< 50).map { w * 1000 + $0 } }.sorted(), "every row once")
        let history = try runProcess(TestEnvironment.python!, [Self.readerScript, uri, "--history"], environment: p.env)
        let versions = try history.split(separator: "\n").map { line -> Int in
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(o["version"] as? Int)
        }
        #expect(versions.sorted() == Array(0 ... 7), "contiguous versions, one per worker")
    }

    @Test func twoProcessesReplacingOnePartitionNeverMixTheirRows() throws {
        let p = try place("s3")
        #expect(try upload(try csv("base", [(id: 1, day: 2)]), "clash", p).status == 0)
        for round in 0 ..< 3 {
            let loads = (0 ..< 2).map { w in (0 ..< 40).map { (id: 100 * (w + 1) + round * 1000 + $0, day: 2) } }
            let launched = try loads.enumerated().map { w, rows in
                try Launched(["upload", try csv("clash-\(round)-\(w)", rows), "--dataset-id", "clash", "--partition-col", "created_at",
                              "--table-format", "delta", "--store", p.store], environment: p.env,
                             stderr: dir.appendingPathComponent("clash-\(round)-\(w)"))
            }
            let results = launched.map { $0.wait() }
            for r in results where r.status != 0 {
                #expect(r.status == 2, "\(r.stderr)")
                #expect(r.stderr.contains("was committed by another writer meanwhile") && r.stderr.contains("date=2024-03-02"), "\(r.stderr)")
            }
            #expect(results.contains { $0.status == 0 })
            let now = Set(try ids(try read(p.table("clash"), "deltalake", p)))
            #expect(loads.contains { Set($0.map(\.id)) == now }, "the partition holds exactly one load's rows, round \(round)")
        }
    }

    @Test func killedLoadsLeaveEveryVersionReadable() throws {
        let p = try place("local")
        let rows = (0 ..< 60000).map { (id: $0, day: 1 + $0 % 28) }
        let file = try csv("big", rows)
        #expect(try upload(file, "killed", p).status == 0)
        var generator = SystemRandomNumberGenerator()
        for round in 0 ..< 6 {
            let l = try Launched(["upload", file, "--dataset-id", "killed", "--partition-col", "created_at", "--table-format", "delta",
                                  "--store", p.store, "--mode", round % 2 == 0 ? "append" : "replace-partitions"],
                                 environment: p.env, stderr: dir.appendingPathComponent("kill-\(round)"))
            usleep(UInt32.random(in: 50_000 ... 1_500_000, using: &generator))
            kill(l.pid, SIGKILL)
            _ = l.wait()
        }
        #expect(try upload(file, "killed", p, ["--mode", "append"]).status == 0)
        let uri = p.table("killed")
        let history = try runProcess(TestEnvironment.python!, [Self.readerScript, uri, "--history"], environment: p.env)
        let versions = history.split(separator: "\n").count
        #expect(versions >= 2)
        // Each version's files all exist: delta-rs reads every one of them.
        for v in 0 ..< versions {
            let n = try read(uri, "deltalake", version: v, p).count
            #expect(n > 0 && n % rows.count == 0, "version \(v) has \(n) rows: not whole loads")
        }
    }

    @Test func aPipelineChoosesDeltaByConfigAndAPlainDatasetConvertsInPlace() throws {
        let p = try place("local")
        let file = try csv("cfg", (1 ... 4).map { (id: $0, day: $0) })
        let config = dir.appendingPathComponent("inlet.yaml").path
        func write(_ format: String) throws {
            try """
            pipelines:
              - name: sales
                kind: csv
                dataset_id: sales
                partition_column: created_at
                table_format: \(format)
                csv: {path: \(file)}
            """.write(toFile: config, atomically: true, encoding: .utf8)
        }
        try write("iceberg")
        let bad = try runInlet(["run", "--all", "--config", config, "--store", p.store])
        #expect(bad.status == 2 && bad.stderr.contains("table_format") && bad.stderr.contains("parquet or delta"), "\(bad.stderr)")
        try write("delta")
        let good = try runInlet(["run", "--all", "--config", config, "--store", p.store])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(try ids(try read(p.table("sales"), "deltalake", p)) == [1, 2, 3, 4])

        // A plain dataset: refused as Delta until converted; then version 0 is its files as they were.
        #expect(try runInlet(["upload", file, "--dataset-id", "old", "--partition-col", "created_at", "--store", p.store]).status == 0)
        let refused = try upload(file, "old", p)
        #expect(refused.status == 2 && refused.stderr.contains("inlet convert old --to delta"), "\(refused.stderr)")
        let plainFiles = try FileManager.default.subpathsOfDirectory(atPath: p.table("old")).filter { $0.hasSuffix(".parquet") }.sorted()
        let converted = try runInlet(["convert", "old", "--to", "delta", "--store", p.store])
        #expect(converted.status == 0, "\(converted.stderr)")
        #expect(try ids(try read(p.table("old"), "deltalake", version: 0, p)) == [1, 2, 3, 4])
        #expect(try read(p.table("old"), "duckdb", p) == (try read(p.table("old"), "deltalake", p)))
        let files = try runProcess(TestEnvironment.python!, [Self.readerScript, p.table("old"), "--files"])
        for f in plainFiles { #expect(files.contains(f), "version 0 references \(f) as it was") }
        // Loads go on as Delta commits, with no --table-format needed.
        let next = try runInlet(["upload", try csv("more", [(id: 9, day: 2)]), "--dataset-id", "old", "--partition-col", "created_at",
                                 "--store", p.store])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try ids(try read(p.table("old"), "polars", p)) == [1, 3, 4, 9])
        #expect(try runInlet(["convert", "old", "--to", "delta", "--store", p.store]).stderr.contains("is a Delta table already"))
    }
}
