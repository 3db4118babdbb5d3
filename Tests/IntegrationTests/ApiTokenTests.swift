import Foundation
import TestSupport
import Testing

/// The OAuth2 token endpoint under load: its 429s and 5xx are retried like a data request's,
/// honouring Retry-After, and name the token URL when they run out; a token is renewed before
/// its `expires_in` runs out, so no request carries an expired one; and concurrent requests
/// that need a new token share one fetch.
@Suite(.enabled(if: ScriptServer.available && (TestEnvironment.python != nil || TestEnvironment.required)))
struct ApiTokenTests {
    static let secret = "t0ken-Secret-4471"
    static let auth = "{type: oauth2_client_credentials, token_url: {host}/oauth/token, client_id: cid-9, client_secret: \"${CLIENT_SECRET}\"}"

    static func serverAuth(_ extra: [String: Any] = [:]) -> [String: Any] {
        ["type": "oauth2", "client_id": "cid-9", "client_secret": secret].merging(extra) { $1 }
    }

    func itemsRun(_ kit: ApiTestKit, retries: Int = 5, extra: String = "", pageSize: Int = 10) throws -> ProcessOutput {
        let config = try kit.config("""
              - name: items
                kind: api
                api:
                  base_url: {host}
                  auth: \(Self.auth)
                  max_retries: \(retries)
                  initial_backoff_seconds: 0.05
                  max_backoff_seconds: 0.2
            \(extra)      resource: {path: /items, paginator: {type: header_link}}

            """)
        return try kit.run(["items"], config: config, environment: ["CLIENT_SECRET": Self.secret])
    }

    @Test func theTokenEndpointsBusyAnswersAreRetriedHonouringRetryAfter() throws {
        let kit = try ApiTestKit(["auth": Self.serverAuth(),
                                  "resources": ["/items": ["records": ApiTestKit.issues(25), "paginator": "header_link", "page_size": 10, "wrap": "$"]],
                                  "faults": [["path": "/oauth/token", "times": 1, "status": 429, "retry_after": "1"],
                                             ["path": "/oauth/token", "times": 2, "status": 503]]])
        let run = try itemsRun(kit)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try kit.rows("items").count == 25)
        #expect(kit.emulator.count("/oauth/token") == 4, "a 429, two 503s, then the token")
        #expect(kit.emulator.issuedTokens.count == 1)
        let arrivals = kit.emulator.arrivals("/oauth/token"), notBefore = kit.emulator.retryAfterNotBefore("/oauth/token")
        #expect(arrivals.count == 4 && notBefore.count == 1 && arrivals[1] >= notBefore[0], "retried before Retry-After: \(arrivals) \(notBefore)")
        #expect(!(run.stdout + run.stderr).contains(Self.secret))
    }

    @Test func pastMaxRetriesTheTokenURLAndStatusAreNamed() throws {
        let kit = try ApiTestKit(["auth": Self.serverAuth(),
                                  "resources": ["/items": ["records": ApiTestKit.issues(5), "paginator": "header_link", "wrap": "$"]],
                                  "faults": [["path": "/oauth/token", "times": 10, "status": 502, "body": "token\nservice down"]]])
        let run = try itemsRun(kit, retries: 2)
        #expect(run.status == 4, "\(run.stderr)")
        #expect(run.stderr.contains("items: OAuth2 token from \(kit.emulator.host)/oauth/token: HTTP 502 Bad Gateway after 3 attempts: token service down"),
                "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }.count == 1, "one error line: \(run.stderr)")
        #expect(kit.emulator.count("/oauth/token") == 3)
        #expect(kit.emulator.count("/items") == 0)
        #expect(!FileManager.default.fileExists(atPath: kit.store + "/datasets/items/_manifest.json"))
        #expect(!(run.stdout + run.stderr).contains(Self.secret))
    }

    /// Tokens that live 2 s (advertised and real) over a run paced to last about 4 s: each is
    /// renewed before the server would refuse it, so no request is rejected or repeated.
    @Test func aTokenIsRenewedBeforeItExpires() throws {
        let kit = try ApiTestKit(["auth": Self.serverAuth(["expires_in": 2]),
                                  "resources": ["/items": ["records": ApiTestKit.issues(95), "paginator": "header_link", "page_size": 5, "wrap": "$"]]])
        let run = try itemsRun(kit, extra: "      requests_per_second: 5\n")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try kit.rows("items").count == 95)
        #expect(kit.emulator.rejected == 0, "a request carried an expired token")
        #expect(kit.emulator.count("/items") == 19, "each page once")
        #expect(kit.emulator.issuedTokens.count >= 2, "the token endpoint was called again")
    }

    /// The parent's page is held 3.5 s, longer than its token's renewal point (3 s of 6): its
    /// four children then need a new token at once, and the token endpoint (slow, 0.5 s) is
    /// asked once for all of them.
    @Test func concurrentRequestsShareOneTokenFetch() throws {
        let kit = try ApiTestKit(["auth": Self.serverAuth(["expires_in": 6, "token_delay_seconds": 0.5]),
                                  "resources": [
                                      "/issues": ["records": ApiTestKit.issues(8), "paginator": "single", "wrap": "$", "delay_seconds": 3.5],
                                      "/issues/{number}/comments": ["per_parent": 2, "paginator": "single", "wrap": "$"],
                                  ]])
        let config = try kit.config("""
              - name: issues
                kind: api
                api:
                  base_url: {host}
                  auth: \(Self.auth)
                  concurrency: 4
                  resource: {path: /issues, paginator: {type: single_page}}
                  children:
                    - dataset_id: comments
                      path: "/issues/{number}/comments"
                      params_from_parent: {number: number}
                      paginator: {type: single_page}
                      parent_fields: {issue_id: id}

            """)
        let run = try kit.run(["issues"], config: config, environment: ["CLIENT_SECRET": Self.secret])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try kit.rows("comments").count == 16)
        #expect(kit.emulator.count("/oauth/token") == 2, "one token for the parent, one shared by the four children")
        #expect(kit.emulator.issuedTokens.count == 2)
        #expect(kit.emulator.rejected == 0)
    }
}
