import Foundation
import TestSupport
import Testing

/// `kind: api` against the emulator: every paginator walks all 95 records once, nested records
/// keep their structs and lists, a paginator that repeats itself is an error, `max_pages` stops
/// with a warning, and a dry run fetches one page.
@Suite(.enabled(if: ScriptServer.available && (TestEnvironment.python != nil || TestEnvironment.required)))
struct ApiPaginationTests {
    /// The emulator's paginator name and the pipeline's `records` and `paginator` lines.
    static let paginators: [(String, String, String)] = [
        ("header_link", "$", "{type: header_link}"),
        ("json_link", "data", "{type: json_link, next_url_path: links.next}"),
        ("cursor", "data", "{type: cursor, cursor_path: response_metadata.next_cursor, cursor_param: cursor}"),
        ("stripe", "data", "{type: cursor, cursor_path: \"data[-1].id\", cursor_param: starting_after, has_more_path: has_more}"),
        ("offset", "data", "{type: offset, limit: 10, total_path: total}"),
        ("page_number", "data", "{type: page_number, total_pages_path: total_pages}"),
    ]

    @Test(arguments: paginators.map(\.0))
    func everyPaginatorLoadsEveryRecordOnce(kind: String) throws {
        let (_, records, paginator) = Self.paginators.first { $0.0 == kind }!
        let kit = try ApiTestKit(["resources": ["/issues": ["records": ApiTestKit.issues(95), "paginator": kind, "page_size": 10,
                                                            "wrap": records == "$" ? "$" : "data"]]])
        let config = try kit.config("""
              - name: issues
                kind: api
                api:
                  base_url: {host}
                  resource: {path: /issues, records: "\(records)", paginator: \(paginator)}

            """)
        let run = try kit.run(["issues"], config: config)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try kit.rows("issues")
        #expect(rows.map { $0["id"] as? Int } == Array(1 ... 95), "\(kind)")
        #expect(kit.emulator.count("/issues") == 10, "ten pages of ten, the last one short, no extra request")
        // Nested records stay nested: a struct and a list of structs.
        let user = rows[4]["user"] as? [String: Any]
        #expect(user?["login"] as? String == "u5" && user?["site_admin"] as? Bool == true)
        #expect((rows[2]["labels"] as? [[String: Any]])?.first?["name"] as? String == "bug")
        #expect((rows[0]["labels"] as? [Any])?.isEmpty == true)
    }

    @Test func aPaginatorThatRepeatsItselfStops() throws {
        let kit = try ApiTestKit(["resources": ["/loop": ["records": ApiTestKit.issues(30), "paginator": "loop", "page_size": 10]]])
        let config = try kit.config("""
              - name: loop
                kind: api
                api:
                  base_url: {host}
                  resource: {path: /loop, records: data, paginator: {type: json_link, next_url_path: links.next}}

            """)
        let run = try runInlet(["run", "loop", "--config", config], currentDirectory: kit.dir)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("handed back next URL \(kit.emulator.host)/loop?… a second time"), "\(run.stderr)")
        #expect(kit.emulator.count("/loop") == 2, "page 2 names itself as next: that is not fetched again")
        #expect(!FileManager.default.fileExists(atPath: kit.store + "/datasets/loop/_manifest.json"))
    }

    @Test func maxPagesStopsWithAWarning() throws {
        let kit = try ApiTestKit(["resources": ["/issues": ["records": ApiTestKit.issues(95), "paginator": "header_link", "page_size": 10, "wrap": "$"]]])
        let config = try kit.config("""
              - name: issues
                kind: api
                api:
                  base_url: {host}
                  resource: {path: /issues, paginator: {type: header_link}, max_pages: 3}

            """)
        let run = try runInlet(["run", "issues", "--config", config], currentDirectory: kit.dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("stopped at max_pages (3): more pages were left (next: GET \(kit.emulator.host)/issues?page=4)"), "\(run.stderr)")
        #expect(try kit.rows("issues").count == 30)
    }

    @Test func dryRunFetchesOnePageAndSaysWhatComesNext() throws {
        let kit = try ApiTestKit(["resources": ["/issues": ["records": ApiTestKit.issues(95), "paginator": "json_link", "page_size": 10]]])
        let config = try kit.config("""
              - name: issues
                kind: api
                api:
                  base_url: {host}
                  resource:
                    path: /issues
                    params: {state: all}
                    records: data
                    paginator: {type: json_link, next_url_path: links.next}

            """)
        let run = try runInlet(["run", "issues", "--config", config, "--dry-run"], currentDirectory: kit.dir)
        #expect(run.status == 0, "\(run.stderr)")
        let all = run.stdout + run.stderr
        #expect(all.contains("dry run: GET \(kit.emulator.host)/issues?state=all"), "\(all)")
        #expect(all.contains("next: GET \(kit.emulator.host)/issues?state=all&page=2"), "\(all)")
        #expect(all.contains("first page: 10 records") && all.contains("  user  struct<") && all.contains("  user.site_admin  boolean"), "\(all)")
        #expect(kit.emulator.count("/issues") == 1)
        #expect(!FileManager.default.fileExists(atPath: kit.store + "/datasets/issues/_manifest.json"))
    }

    @Test func flattenMakesParentChildColumns() throws {
        let kit = try ApiTestKit(["resources": ["/issues": ["records": ApiTestKit.issues(12), "paginator": "single", "wrap": "$"]]])
        let config = try kit.config("""
              - name: issues
                kind: api
                api:
                  base_url: {host}
                  flatten: true
                  resource: {path: /issues}

            """)
        let run = try kit.run(["issues"], config: config)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try kit.rows("issues")
        #expect(rows.count == 12 && rows[4]["user__login"] as? String == "u5" && rows[4]["user__site_admin"] as? Bool == true)
    }
}
