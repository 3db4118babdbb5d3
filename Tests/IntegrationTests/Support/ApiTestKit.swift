import Foundation
import TestSupport

/// A folder with a lake, a config for `inlet run` and an API emulator, for one API test.
final class ApiTestKit {
    let dir: URL
    let emulator: ApiEmulator
    var store: String { dir.appendingPathComponent("lake").path }

    init(_ config: [String: Any]) throws {
        dir = try TestEnvironment.temporaryDirectory("api")
        emulator = try ApiEmulator(config)
    }

    deinit {
        emulator.stop()
        try? FileManager.default.removeItem(at: dir)
    }

    /// Writes `inlet.yaml` with `store: ./lake` and `pipelines` (YAML text, indented by two),
    /// where `{host}` is the emulator's base URL.
    func config(_ pipelines: String, name: String = "inlet.yaml") throws -> String {
        let url = dir.appendingPathComponent(name)
        let text = "store: ./lake\npipelines:\n" + pipelines.replacingOccurrences(of: "{host}", with: emulator.host)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// `inlet run NAMES --config CONFIG --json` in the folder.
    func run(_ names: [String], config: String, environment: [String: String] = [:], extra: [String] = []) throws -> ProcessOutput {
        try runInlet(["run"] + names + ["--config", config, "--json"] + extra, environment: environment, currentDirectory: dir)
    }

    /// The pipelines of `inlet run --json`'s output, by name.
    func results(_ out: ProcessOutput) -> [String: [String: Any]] {
        guard let list = try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]] else { return [:] }
        return Dictionary(list.map { ($0["pipeline"] as? String ?? "?", $0) }) { a, _ in a }
    }

    /// Every row of `dataset` as read by pyarrow (hive partitions included), sorted by `id`.
    func rows(_ dataset: String) throws -> [[String: Any]] {
        let root = store + "/datasets/\(dataset)"
        let script = """
            import json, sys, datetime, decimal, pyarrow.dataset as ds
            t = ds.dataset(sys.argv[1], format="parquet", partitioning="hive", exclude_invalid_files=True).to_table()
            def plain(v):
                if isinstance(v, (datetime.date, datetime.datetime)): return v.isoformat()
                if isinstance(v, decimal.Decimal): return str(v)
                if isinstance(v, list): return [plain(x) for x in v]
                if isinstance(v, dict): return {k: plain(x) for k, x in v.items()}
                return v
            rows = [{k: plain(v) for k, v in r.items()} for r in t.to_pylist()]
            print(json.dumps(rows))
            """
        let base = FileManager.default.fileExists(atPath: root + "/partitions") ? root + "/partitions" : root + "/data"
        let out = try runPython(script, [base])
        let rows = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]] ?? []
        return rows.sorted { "\($0["id"] ?? "")".localizedStandardCompare("\($1["id"] ?? "")") == .orderedAscending }
    }

    /// The dataset's published state (`_manifest.json`'s `state`).
    func state(_ dataset: String) throws -> [String: Any]? {
        let data = try Data(contentsOf: URL(fileURLWithPath: store + "/datasets/\(dataset)/_manifest.json"))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["state"] as? [String: Any]
    }

    /// `count` records shaped like an issue tracker's, ids 1…count, one updated per day.
    static func issues(_ count: Int) -> [[String: Any]] {
        (1 ... count).map { i in
            let updated = String(format: "2024-01-%02dT%02d:00:00Z", (i - 1) / 24 + 1, (i - 1) % 24)
            let user: [String: Any] = ["login": "u\(i % 7)", "site_admin": i % 5 == 0]
            let labels: [[String: Any]] = i % 3 == 0 ? [["name": "bug"]] : []
            return ["id": i, "number": i, "title": "issue \(i)", "updated_at": updated, "user": user, "labels": labels]
        }
    }
}
