import Foundation
import Testing
import TestSupport

/// The files source through the built binary: a corpus of a few hundred objects (hive folders,
/// headers in other orders, extra columns, gzip and zstd), JSON and Parquet objects, corrupt
/// objects, incremental runs with a late object and a changed one, each on moto's S3 and on
/// local globs alike; pyarrow reads back what was loaded.
@Suite(.enabled(if: TestEnvironment.python != nil || TestEnvironment.required), .serialized)
final class FilesSourceTests {
    enum Place: String, CaseIterable, CustomTestStringConvertible {
        case s3, local
        var testDescription: String { rawValue }
    }

    let dir: URL
    var lake: String { dir.appendingPathComponent("lake").path }

    init() throws { dir = try TestEnvironment.temporaryDirectory("files") }
    deinit { try? FileManager.default.removeItem(at: dir) }

    static let corpusScript: String = {
        // swiftlint:disable:next force_try
        try! String(contentsOf: TestEnvironment.packageRoot.appendingPathComponent("Tests/IntegrationTests/Support/files_corpus.py"), encoding: .utf8)
    }()

    /// Where one test's corpus lives: a fresh prefix of the test bucket, or a folder.
    struct Landing {
        let place: Place
        /// `bucket/prefix` or the folder.
        let root: String
        var base: String { place == .s3 ? "s3://" + root : root }
        /// What the corpus script and `inlet` need to reach it.
        let environment: [String: String]
    }

    func landing(_ place: Place) throws -> Landing {
        switch place {
        case .s3:
            let server = try S3TestServer.shared()
            // S3 loads write while objects still arrive, whatever the loopback's speed; local
            // ones after pass 1 (auto): each corpus test covers both ways.
            return Landing(place: .s3, root: "\(server.bucket)/files-\(UUID().uuidString.prefix(8).lowercased())",
                           environment: Self.s3Environment(server).merging(["INLET_FILES_SPECULATION": "always"]) { $1 })
        case .local:
            return Landing(place: .local, root: dir.appendingPathComponent("landing").path, environment: [:])
        }
    }

    static func s3Environment(_ server: S3TestServer) -> [String: String] {
        ["INLET_TEST_S3_ENDPOINT": server.endpoint, "INLET_TEST_S3_ACCESS_KEY_ID": server.accessKeyID,
         "INLET_TEST_S3_SECRET_ACCESS_KEY": server.secretAccessKey, "INLET_TEST_S3_REGION": server.region,
         "AWS_ENDPOINT_URL_S3": server.endpoint, "AWS_ACCESS_KEY_ID": server.accessKeyID,
         "AWS_SECRET_ACCESS_KEY": server.secretAccessKey, "AWS_REGION": server.region]
    }

    @discardableResult
    func write(_ landing: Landing, _ parts: String...) throws -> String {
        let fixture = TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/compressed/vendor-extra.csv.zst").path
        return try runPython(Self.corpusScript, [landing.place.rawValue, landing.root] + parts,
                             environment: landing.environment.merging(["FILES_ZSTD_FIXTURE": fixture]) { $1 })
    }

    func inlet(_ args: [String], _ landing: Landing, env: [String: String] = [:]) throws -> ProcessOutput {
        try runInlet(args + ["--store", lake], environment: landing.environment.merging(env) { $1 }, currentDirectory: dir)
    }

    /// The dataset as pyarrow reads its files: rows, the sorted ids, and `name:type` per column.
    struct Loaded: Decodable {
        let rows: Int
        let ids: [Int]
        let schema: [String]
        let sample: [String: String]?
    }

    func read(_ dataset: String, sampleID: Int? = nil, sampleColumn: String? = nil) throws -> Loaded {
        let script = """
        import glob, json, os, sys
        import pyarrow as pa, pyarrow.parquet as pq
        root, sid, scol = sys.argv[1], sys.argv[2], sys.argv[3]
        files = sorted(f for f in glob.glob(root + "/**/*.parquet", recursive=True) if "/_" not in f and "/." not in f)
        t = pa.concat_tables([pq.read_table(f) for f in files]) if files else None
        out = {"rows": 0, "ids": [], "schema": []}
        if t is not None:
            out = {"rows": t.num_rows, "ids": sorted(t.column("id").to_pylist()), "schema": [f"{f.name}:{f.type}" for f in t.schema]}
            if sid:
                row = [r for r in t.to_pylist() if r["id"] == int(sid)][0]
                out["sample"] = {scol: str(row[scol])}
        print(json.dumps(out))
        """
        let out = try runPython(script, [lake + "/datasets/" + dataset, sampleID.map(String.init) ?? "", sampleColumn ?? ""])
        return try JSONDecoder().decode(Loaded.self, from: Data(out.utf8))
    }

    func manifest(_ dataset: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: lake + "/datasets/\(dataset)/_manifest.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    // MARK: one schema over many objects

    @Test(arguments: Place.allCases)
    func manyObjectsBecomeOneTypedDataset(place: Place) throws {
        let landing = try landing(place)
        try write(landing, "vendor")
        let r = try inlet(["upload", landing.base + "/vendor/**/*.csv.*", "--dataset-id", "vendor", "--hive-columns",
                           "--file-column", "_source_file", "-v"], landing)
        #expect(r.status == 0, "\(r.stderr)")
        let loaded = try read("vendor", sampleID: 1001, sampleColumn: "_source_file")
        #expect(loaded.rows == 723)
        #expect(loaded.ids == Array(1 ... 720) + [1001, 1002, 1003], "every row once, nothing from unmatched, hidden or _ objects")
        #expect(loaded.schema == ["id:int64", "amount:double", "name:string", "note:string", "dt:date32[day]", "region:string",
                                  "_source_file:string"])
        let zstKey = (place == .s3 ? String(landing.root.drop { $0 != "/" }.dropFirst()) : landing.root) + "/vendor/dt=2025-01-03/region=eu/extra.csv.zst"
        #expect(loaded.sample?["_source_file"] == zstKey)
        // -v names the object whose values widened a column.
        #expect(r.stderr.contains("column 'amount' widened from int64 to float64 by \(landing.base)/vendor/dt=2025-01-01/region=eu/part-007.csv.gz"), "\(r.stderr)")
        #expect(r.stdout.contains("loaded 723 rows"))
    }

    @Test(arguments: Place.allCases)
    func jsonAndParquetObjects(place: Place) throws {
        let landing = try landing(place)
        try write(landing, "json", "parquet")
        let json = try inlet(["upload", landing.base + "/events/*.jsonl.gz", "--dataset-id", "events"], landing)
        #expect(json.status == 0, "\(json.stderr)")
        let events = try read("events")
        #expect(events.ids == [1, 2, 3, 4])
        #expect(events.schema == ["id:int64", "user:struct<name: string, age: int64>", "tags:list<element: string>", "score:double"])

        let pq = try inlet(["upload", landing.base + "/pq/*.parquet", "--dataset-id", "pq", "-v"], landing)
        #expect(pq.status == 0, "\(pq.stderr)")
        let loaded = try read("pq")
        #expect(loaded.ids == [1, 2, 3])
        #expect(loaded.schema == ["id:int64", "v:double", "tags:list<element: string>", "extra:string"])
        #expect(pq.stderr.contains("column 'id' widened from int32 to int64 by \(landing.base)/pq/b.parquet"), "\(pq.stderr)")
    }

    // MARK: bad input

    @Test(arguments: Place.allCases)
    func corruptObjectsFailOrAreSkipped(place: Place) throws {
        let landing = try landing(place)
        try write(landing, "bad")
        let failed = try inlet(["upload", landing.base + "/bad/*", "--dataset-id", "bad"], landing)
        #expect(failed.status == 3, "\(failed.stderr)")
        #expect(failed.stderr.contains("\(landing.base)/bad/binary.csv"), "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: lake + "/datasets/bad"), "nothing published")

        let skipped = try inlet(["upload", landing.base + "/bad/*", "--dataset-id", "bad", "--bad-files", "skip"], landing)
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(try read("bad").ids == [1, 2, 5000])
        for bad in ["bad/binary.csv", "bad/broken.csv.gz"] {
            #expect(skipped.stderr.contains("skipped \(landing.base)/\(bad)"), "\(skipped.stderr)")
        }
        let state = try #require(try manifest("bad")["state"] as? [String: Any])
        let listed = (state["skipped"] as? [[String: String]] ?? []).compactMap { $0["url"] }
        #expect(listed == ["\(landing.base)/bad/binary.csv", "\(landing.base)/bad/broken.csv.gz"])
        #expect((state["skipped"] as? [[String: String]])?.last?["reason"]?.contains("gzip data ends early") == true)
    }

    @Test func aPatternThatMatchesNothing() throws {
        let landing = try landing(.local)
        try FileManager.default.createDirectory(atPath: landing.root, withIntermediateDirectories: true)
        let none = try inlet(["upload", landing.root + "/*.csv", "--dataset-id", "none"], landing)
        #expect(none.status == 2)
        #expect(none.stderr.contains("matches no object"), "\(none.stderr)")
        let allowed = try inlet(["upload", landing.root + "/*.csv", "--dataset-id", "none", "--allow-empty"], landing)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout.contains("nothing new to load"))
    }
}
