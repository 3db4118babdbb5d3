import Foundation
import TestSupport
import Testing

/// 429 with Retry-After (seconds and an HTTP date), a burst of 503s and a body cut off mid-way
/// are retried until the page comes; past `max_retries` the run fails with the status and the
/// attempts, exit 4, and publishes nothing.
@Suite(.enabled(if: ScriptServer.available && (TestEnvironment.python != nil || TestEnvironment.required)))
struct ApiRetryTests {
    func load(faults: [[String: Any]], retries: Int = 5) throws -> (ApiTestKit, ProcessOutput) {
        let kit = try ApiTestKit(["resources": ["/items": ["records": ApiTestKit.issues(35), "paginator": "header_link", "page_size": 10, "wrap": "$"]],
                                  "faults": faults])
        let config = try kit.config("""
              - name: items
                kind: api
                api:
                  base_url: {host}
                  max_retries: \(retries)
                  initial_backoff_seconds: 0.05
                  max_backoff_seconds: 0.2
                  resource: {path: /items, paginator: {type: header_link}}

            """)
        return (kit, try runInlet(["run", "items", "--config", config, "-v"], currentDirectory: kit.dir))
    }

    @Test(arguments: [
        ["path": "/items", "times": 2, "status": 429, "retry_after": "1"],
        ["path": "/items", "times": 1, "status": 429, "retry_after": "date:1"],
        ["path": "/items", "times": 4, "status": 503],
        ["path": "/items", "times": 2, "drop_mid_body": true],
    ] as [[String: Any]])
    func transientFailuresAreRetried(fault: [String: Any]) throws {
        let (kit, run) = try load(faults: [fault])
        #expect(run.status == 0, "\(fault): \(run.stderr)")
        #expect(try kit.rows("items").map { $0["id"] as? Int } == Array(1 ... 35))
        #expect(kit.emulator.count("/items") == 4 + (fault["times"] as! Int), "four pages plus one request per fault")
    }

    /// The retry after a 429 arrives no earlier than its Retry-After allowed, on the server's
    /// own clock: a lower bound (the backoff alone would wait at most 0.2 s).
    @Test(arguments: ["2", "date:2"])
    func retryAfterIsHonoured(retryAfter: String) throws {
        let (kit, run) = try load(faults: [["path": "/items", "times": 1, "status": 429, "retry_after": retryAfter]])
        #expect(run.status == 0, "\(run.stderr)")
        let arrivals = kit.emulator.arrivals("/items"), notBefore = kit.emulator.retryAfterNotBefore("/items")
        #expect(arrivals.count == 5 && notBefore.count == 1, "\(arrivals) \(notBefore)")
        if arrivals.count > 1, let limit = notBefore.first {
            #expect(arrivals[1] >= limit, "the retry came \(limit - arrivals[1]) s before Retry-After allowed")
        }
    }

    @Test func pastMaxRetriesTheStatusAndAttemptsAreNamed() throws {
        let (kit, run) = try load(faults: [["path": "/items", "times": 10, "status": 502, "body": "upstream\ngone"]], retries: 2)
        #expect(run.status == 4, "\(run.stderr)")
        #expect(run.stderr.contains("GET \(kit.emulator.host)/items: HTTP 502 Bad Gateway after 3 attempts: upstream gone"), "\(run.stderr)")
        #expect(kit.emulator.count("/items") == 3)
        #expect(!FileManager.default.fileExists(atPath: kit.store + "/datasets/items/_manifest.json"))
    }

    @Test func anUnreachableServerIsANetworkErrorAfterItsRetries() throws {
        let dir = try TestEnvironment.temporaryDirectory("api-down")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("inlet.yaml")
        try Data("""
            store: ./lake
            pipelines:
              - name: items
                kind: api
                api:
                  base_url: http://127.0.0.1:9
                  max_retries: 1
                  initial_backoff_seconds: 0.05
                  resource: {path: /items}

            """.utf8).write(to: config)
        let run = try runInlet(["run", "items", "--config", config.path], currentDirectory: dir)
        #expect(run.status == 4, "\(run.stderr)")
        #expect(run.stderr.contains("items: GET http://127.0.0.1:9/items: ") && run.stderr.contains("(after 2 attempts)"), "\(run.stderr)")
    }

    /// GitHub-style limits: 3 requests per 1 s window, announced by X-RateLimit-Remaining and
    /// -Reset. The client waits for the reset, so the server never has to refuse a request.
    @Test func aRateLimitAnnouncedInHeadersIsWaitedOut() throws {
        let kit = try ApiTestKit(["resources": ["/items": ["records": ApiTestKit.issues(75), "paginator": "header_link", "page_size": 10, "wrap": "$"]],
                                  "rate_limit": ["per_window": 3, "window_seconds": 1]])
        let config = try kit.config("""
              - name: items
                kind: api
                api:
                  base_url: {host}
                  resource: {path: /items, paginator: {type: header_link}}

            """)
        let run = try kit.run(["items"], config: config)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try kit.rows("items").count == 75)
        #expect(kit.emulator.count("/items") == 8, "eight pages, none refused and retried")
        #expect(kit.emulator.rateLimited == 0, "a request went out while the limit said 0 remaining")
    }
}
