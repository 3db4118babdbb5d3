import Foundation
import TestSupport
import Testing

/// Incremental API loads: the state's cursor across runs, the lag window that never loads a row
/// twice, records seen twice in one run kept once, a missing cursor named, and a run killed
/// with -9 then rerun: every record exactly once.
@Suite(.enabled(if: ScriptServer.available && (TestEnvironment.python != nil || TestEnvironment.required)))
struct ApiIncrementalTests {
    static func pipeline(lag: Int = 0, paginator: String = "{type: json_link, next_url_path: links.next}", extra: String = "") -> String {
        """
          - name: issues
            kind: api
            api:
              base_url: {host}
        \(extra)      resource:
                path: /issues
                records: data
                paginator: \(paginator)
                primary_key: id
                incremental: {cursor_path: updated_at, param: since, initial_value: "2024-01-01T00:00:00Z", lag_seconds: \(lag)}

        """
    }

    static func resource(_ records: [[String: Any]], paginator: String = "json_link") -> [String: Any] {
        ["resources": ["/issues": ["records": records, "paginator": paginator, "page_size": 10,
                                   "cursor_field": "updated_at", "since_param": "since"]]]
    }

    @Test func eachRunLoadsWhatIsNewAndTheStateMovesOn() throws {
        let kit = try ApiTestKit(Self.resource(ApiTestKit.issues(40)))
        let config = try kit.config(Self.pipeline(lag: 3600))
        let first = try kit.run(["issues"], config: config)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try kit.rows("issues").count == 40)
        let state = try #require(try kit.state("issues"))
        #expect(state["cursor"] as? String == "2024-01-02T15:00:00Z", "the highest updated_at: \(state)")
        #expect(kit.emulator.requests.first?.contains("since=2024-01-01T00%3A00%3A00Z") == true, "\(kit.emulator.requests)")

        // Nothing new: the lag window (an hour) brings back issue 40 (and 39), unchanged: skipped.
        let second = try kit.run(["issues"], config: config)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(kit.results(second)["issues"]?["rows"] as? Int == 0, "\(second.stdout)")
        #expect(second.stderr.contains("no new records since 2024-01-02T14:00:00Z; nothing published"), "\(second.stderr)")
        #expect(kit.emulator.requests.last?.contains("since=2024-01-02T14%3A00%3A00Z") == true, "the start is the cursor minus the lag")
        #expect(try kit.rows("issues").count == 40)

        // Two new issues and one updated: primary_key makes the load a merge, so the new version
        // of 39 replaces the old one and the two new issues are added.
        try kit.emulator.insert(["id": 41, "number": 41, "title": "new", "updated_at": "2024-01-03T00:00:00Z"], into: "/issues")
        try kit.emulator.insert(["id": 42, "number": 42, "title": "late", "updated_at": "2024-01-02T14:30:00Z"], into: "/issues")
        try kit.emulator.update("/issues", id: 39, set: ["title": "edited", "updated_at": "2024-01-03T01:00:00Z"])
        let third = try kit.run(["issues"], config: config)
        #expect(third.status == 0, "\(third.stderr)")
        let rows = try kit.rows("issues")
        #expect(rows.count == 42, "40 + two new; 39 updated in place")
        #expect(rows.filter { $0["id"] as? Int == 39 }.compactMap { $0["title"] as? String } == ["edited"])
        #expect(try kit.state("issues")?["cursor"] as? String == "2024-01-03T01:00:00Z")
    }

    /// Offset pages shift under an insert: the record at the page boundary comes twice and is
    /// kept once by primary_key.
    @Test func recordsSeenTwiceInOneRunAreKeptOnce() throws {
        var config = Self.resource(ApiTestKit.issues(30), paginator: "offset")
        var res = (config["resources"] as! [String: Any])["/issues"] as! [String: Any]
        res["insert_after_page"] = ["after": 1, "record": ["id": 100, "number": 100, "title": "inserted", "updated_at": "2024-01-02T00:30:00Z"]]
        config["resources"] = ["/issues": res]
        let kit = try ApiTestKit(config)
        let yaml = try kit.config(Self.pipeline(paginator: "{type: offset, limit: 10}"))
        let run = try kit.run(["issues"], config: yaml, extra: ["-v"])
        #expect(run.status == 0, "\(run.stderr)")
        let ids = try kit.rows("issues").compactMap { $0["id"] as? Int }
        #expect(ids == Array(1 ... 30), "issue 10 came on pages 1 and 2, once in the dataset: \(ids)")
        #expect(run.stderr.contains("1 records seen twice in this run kept once (primary_key)"), "\(run.stderr)")
    }

    @Test func aRecordWithoutItsCursorIsNamed() throws {
        var records = ApiTestKit.issues(15)
        records[12]["updated_at"] = NSNull()
        let kit = try ApiTestKit(["resources": ["/issues": ["records": records, "paginator": "json_link", "page_size": 10]]])
        let config = try kit.config(Self.pipeline())
        let run = try runInlet(["run", "issues", "--config", config], currentDirectory: kit.dir)
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("/issues?since=2024-01-01T00%3A00%3A00Z&page=2: record 3 of the page: incremental cursor 'updated_at' is missing or null (on_missing_cursor: include loads such records)"), "\(run.stderr)")
        let included = try kit.config(Self.pipeline().replacingOccurrences(of: "lag_seconds: 0}", with: "lag_seconds: 0, on_missing_cursor: include}"), name: "b.yaml")
        let again = try kit.run(["issues"], config: included)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try kit.rows("issues").count == 15)
    }

    /// kill -9 while pages are still coming: nothing was published, the state did not move;
    /// the rerun loads every record once, and a run after new records loads only those.
    @Test func killedRunThenRerunLoadsEachRecordOnce() throws {
        let kit = try ApiTestKit(Self.resource(ApiTestKit.issues(60)))
        let config = try kit.config(Self.pipeline(extra: "      requests_per_second: 4\n"))
        let child = try Process.run(URL(fileURLWithPath: TestEnvironment.inletBinary), arguments: ["run", "issues", "--config", config])
        // The run is paced to 4 pages a second: wait for the third page, then kill it.
        let deadline = Date().addingTimeInterval(30)
        while kit.emulator.count("/issues") < 3, Date() < deadline { usleep(20_000) }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(kit.emulator.count("/issues") < 6, "killed mid-run")
        #expect(!FileManager.default.fileExists(atPath: kit.store + "/datasets/issues/_manifest.json"))
        let rerun = try kit.run(["issues"], config: config)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try kit.rows("issues").compactMap { $0["id"] as? Int } == Array(1 ... 60))
        try kit.emulator.insert(["id": 61, "number": 61, "title": "new", "updated_at": "2024-01-04T00:00:00Z"], into: "/issues")
        let next = try kit.run(["issues"], config: config)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try kit.rows("issues").compactMap { $0["id"] as? Int } == Array(1 ... 61))
    }
}
