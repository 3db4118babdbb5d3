import Foundation
import Testing

/// JSON through every command that takes it: `preview`'s nested tree and reasons, `upload -v`
/// naming the value that widened a field, partitioning by a struct's field, and `kind: json` in
/// `inlet run` with records, flatten and a nested schema. Runs the built binary; needs no Python.
@Suite final class JSONCommandTests {
    let dir: URL
    var store: String { dir.appendingPathComponent("lake").path }

    init() throws { dir = try TestEnvironment.temporaryDirectory("json-cli") }
    deinit { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static let events = """
        {"id": 1, "created": {"at": "2024-05-01T10:00:00Z", "by": "ann"}, "n": 1, "shape": {"x": 1}}
        {"id": 2, "created": {"at": "2024-05-02T23:30:00+09:00", "by": "bo"}, "n": 2.5, "shape": 3}
        {"id": 3, "created": {"at": "2024-05-02T01:00:00Z", "by": null}, "n": "seven", "shape": [1]}

        """

    @Test func previewShowsTheNestedTreeWithReasonsAndTheWarning() throws {
        let file = try write("events.jsonl", Self.events)
        let run = try runInlet(["preview", file])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let created = try #require(lines.first { $0.hasPrefix("created ") })
        #expect(created.contains("struct<at:timestamp[us, UTC],by:string>") && created.contains("every value is an object"))
        #expect(lines.contains { $0.hasPrefix("· at ") && $0.contains("timestamp[us, UTC]") }, "\(run.stdout)")
        let n = try #require(lines.first { $0.hasPrefix("n ") })
        #expect(n.contains("\"seven\" at record 3, line 3 made it a string column"), "\(n)")
        #expect(run.stdout.contains("warning: field 'shape' holds objects"), "\(run.stdout)")
    }

    @Test func verboseUploadNamesTheValueThatWidenedAField() throws {
        let file = try write("events.jsonl", Self.events)
        let run = try runInlet(["upload", file, "--dataset-id", "events", "--store", store, "-v"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("field 'n' is string: mixed kinds") && run.stderr.contains("\"seven\" at record 3, line 3"), "\(run.stderr)")
        let quiet = try runInlet(["upload", file, "--dataset-id", "events", "--store", store])
        #expect(!quiet.stderr.contains("field 'n'"), "only with -v: \(quiet.stderr)")
    }

    /// `created.at` is a field of a struct; the +09:00 time falls on 2024-05-02 in UTC.
    @Test func partitionByAStructsField() throws {
        let file = try write("events.jsonl", Self.events)
        let run = try runInlet(["upload", file, "--dataset-id", "events", "--partition-col", "created.at", "--store", store, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let root = store + "/datasets/events/partitions"
        let parts = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
        #expect(parts == ["date=2024-05-01", "date=2024-05-02"])
        let shown = try runInlet(["show", "events", "--rows", "5", "--partition", "2024-05-02", "--store", store])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("2024-05-02 14:30:00Z") && shown.stdout.contains("2024-05-02 01:00:00Z"), "\(shown.stdout)")
        let missing = try runInlet(["upload", file, "--dataset-id", "other", "--partition-col", "created.when", "--store", store])
        #expect(missing.status != 0 && missing.stderr.contains("created.when"), "\(missing.stderr)")
    }

    /// A pipeline of `kind: json`: records at a path, flattened structs, a declared map.
    @Test func runLoadsAJSONPipeline() throws {
        _ = try write("orders.json", """
            {"meta": {"page": 1}, "data": {"items": [
              {"id": 1, "customer": {"name": "Ann", "city": "Oslo"}, "attrs": {"a": 1}},
              {"id": 2, "customer": {"name": "Bo", "city": null}, "attrs": {"b": 2, "c": null}}
            ]}}
            """)
        let config = try write("inlet.yaml", """
            store: ./lake
            pipelines:
              - name: orders
                kind: json
                json:
                  path: orders.json
                  records: data.items
                  flatten: true
                  schema:
                    attrs: "map<string,int64>"

            """)
        let run = try runInlet(["run", "orders", "--config", config, "--json"], currentDirectory: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let shown = try runInlet(["show", "orders", "--rows", "2", "--store", store])
        #expect(shown.status == 0, "\(shown.stderr)")
        let header = shown.stdout.split(separator: "\n").first { $0.hasPrefix("id ") }.map(String.init) ?? ""
        #expect(header.contains("customer__name") && header.contains("customer__city"), "flattened: \(shown.stdout)")
        #expect(shown.stdout.contains("{\"b\": 2, \"c\": null}"), "the map keeps its null value: \(shown.stdout)")
        let described = try runInlet(["show", "orders", "--store", store])
        let attrs = described.stdout.split(separator: "\n").first { $0.hasPrefix("attrs ") }.map(String.init) ?? ""
        #expect(attrs.contains("map<string,int64>"), "declared map: \(described.stdout)")
        let bad = try write("bad.yaml", """
            store: ./lake
            pipelines:
              - name: orders
                kind: json
                json: {path: orders.json, record: data.items}

            """)
        let typo = try runInlet(["run", "orders", "--config", bad], currentDirectory: dir)
        #expect(typo.status == 2 && typo.stderr.contains("did you mean 'records'"), "\(typo.stderr)")
    }
}
