import Foundation
import TestSupport
import Testing

/// Child resources: one more dataset, its endpoint fetched once per record the parent's load
/// kept, `concurrency` at once, with the parent's fields copied into each child row (the right
/// parent's, however the fetches interleave); a failed parent leaves its
/// children unrun, and a failed child leaves the parent's published load in place.
@Suite(.enabled(if: ScriptServer.available && (TestEnvironment.python != nil || TestEnvironment.required)))
struct ApiChildrenTests {
    static func pipeline(children: String = "comments") -> String {
        """
          - name: issues
            kind: api
            dataset_id: issues
            api:
              base_url: {host}
              concurrency: 3
              resource: {path: "/{owner}/issues", path_params: {owner: apple}, records: "$", paginator: {type: header_link}}
              children:
                - dataset_id: issue-comments
                  path: "/{owner}/issues/{number}/\(children)"
                  params_from_parent: {number: number}
                  records: data
                  paginator: {type: json_link, next_url_path: links.next}
                  parent_fields: {issue_id: id, issue_login: user.login}

        """
    }

    static func emulator(comments: [String: Any]) throws -> ApiTestKit {
        try ApiTestKit(["resources": [
            "/apple/issues": ["records": ApiTestKit.issues(23), "paginator": "header_link", "page_size": 10, "wrap": "$"],
            "/apple/issues/{number}/comments": comments,
        ]])
    }

    @Test func eachParentRecordGetsItsChildrenWithTheParentFields() throws {
        // Each answer held 0.1 s, so the three children in flight overlap at the server.
        let kit = try Self.emulator(comments: ["per_parent": 5, "paginator": "json_link", "page_size": 2, "wrap": "data", "delay_seconds": 0.1])
        let run = try kit.run(["issues"], config: try kit.config(Self.pipeline()))
        #expect(run.status == 0, "\(run.stderr)")
        let results = kit.results(run)
        #expect(results["issues"]?["rows"] as? Int == 23 && results["issues/issue-comments"]?["rows"] as? Int == 115, "\(run.stdout)")
        let rows = try kit.rows("issue-comments")
        #expect(rows.count == 115)
        for number in 1 ... 23 {
            let mine = rows.filter { $0["issue_id"] as? Int == number }
            #expect(mine.count == 5, "issue \(number)")
            #expect(Set(mine.compactMap { $0["id"] as? String }) == Set((0 ..< 5).map { "\(number)-\($0)" }))
            #expect(mine.allSatisfy { $0["parent"] as? String == "\(number)" && $0["issue_login"] as? String == "u\(number % 7)" })
        }
        #expect(kit.emulator.maxInFlight { $0.hasSuffix("/comments") } == 3, "concurrency: 3 children at once, never more")
        // Each child's three pages of two, in order, once.
        #expect(kit.emulator.count("/apple/issues/7/comments") == 3)
        #expect((1 ... 23).map { kit.emulator.count("/apple/issues/\($0)/comments") }.reduce(0, +) == 69)
    }

    @Test func aFailedParentLeavesItsChildrenUnrun() throws {
        let kit = try ApiTestKit(["resources": [
            "/apple/issues": ["status": 500, "body": "down"],
            "/apple/issues/{number}/comments": ["per_parent": 1, "paginator": "single", "wrap": "data"],
        ]])
        var yaml = Self.pipeline().replacingOccurrences(of: "concurrency: 3", with: "concurrency: 3\n      max_retries: 0")
        yaml = yaml.replacingOccurrences(of: "paginator: {type: json_link, next_url_path: links.next}", with: "paginator: {type: single_page}")
        let run = try kit.run(["issues"], config: try kit.config(yaml))
        #expect(run.status == 4, "\(run.stderr)")
        #expect(run.stderr.contains("issues/issue-comments: not run: its parent 'issues' failed"), "\(run.stderr)")
        #expect(kit.emulator.requests.allSatisfy { !$0.contains("/comments") })
        #expect(!FileManager.default.fileExists(atPath: kit.store + "/datasets/issue-comments"))
    }

    @Test func aFailedChildKeepsTheParentsLoad() throws {
        let kit = try Self.emulator(comments: ["status": 404, "body": "{\"message\": \"Not Found\"}", "content_type": "application/json"])
        let run = try kit.run(["issues"], config: try kit.config(Self.pipeline()))
        #expect(run.status == 4, "\(run.stderr)")
        #expect(run.stderr.contains("HTTP 404 Not Found"), "\(run.stderr)")
        #expect(try kit.rows("issues").count == 23, "the parent published before its children ran")
        #expect(!FileManager.default.fileExists(atPath: kit.store + "/datasets/issue-comments/_manifest.json"))
    }
}
