import Foundation
import TestSupport
import Testing

/// Every auth type against the emulator; 401 and 403 HTML pages fail at once with the status,
/// the redacted URL and the body's start; an OAuth2 token that expires mid-run is renewed; and
/// no secret appears in anything Inlet prints or writes.
@Suite(.enabled(if: ScriptServer.available && (TestEnvironment.python != nil || TestEnvironment.required)))
struct ApiAuthTests {
    static let secret = "s3cr3t-Value-7719"

    /// The emulator's auth config, the pipeline's `auth:` block and the environment it reads.
    static let cases: [String: ([String: Any], String, [String: String])] = [
        "bearer": (["type": "bearer", "token": secret], "{type: bearer, token: \"${API_TOKEN}\"}", ["API_TOKEN": secret]),
        "api_key_header": (["type": "api_key", "name": "X-Api-Key", "value": secret],
                           "{type: api_key, name: X-Api-Key, value: \"${API_TOKEN}\"}", ["API_TOKEN": secret]),
        "api_key_query": (["type": "api_key", "name": "key", "location": "query", "value": secret],
                          "{type: api_key, name: key, value: \"${API_TOKEN}\", location: query}", ["API_TOKEN": secret]),
        "basic": (["type": "basic", "username": "ann", "password": secret], "{type: basic, username: ann, password: \"${API_TOKEN}\"}",
                  ["API_TOKEN": secret]),
        "oauth2_basic": (["type": "oauth2", "client_id": "cid-1", "client_secret": secret],
                         "{type: oauth2_client_credentials, token_url: {host}/oauth/token, client_id: cid-1, client_secret: \"${API_TOKEN}\"}",
                         ["API_TOKEN": secret]),
        "oauth2_body": (["type": "oauth2", "client_id": "cid-1", "client_secret": secret, "auth_style": "body"],
                        "{type: oauth2_client_credentials, token_url: {host}/oauth/token, client_id: cid-1, client_secret: \"${API_TOKEN}\", auth_style: body}",
                        ["API_TOKEN": secret]),
    ]

    func kit(_ auth: [String: Any], extra: [String: Any] = [:]) throws -> ApiTestKit {
        var resources: [String: Any] = ["/items": ["records": ApiTestKit.issues(25), "paginator": "header_link", "page_size": 10, "wrap": "$"]]
        for (k, v) in extra { resources[k] = v }
        return try ApiTestKit(["auth": auth, "resources": resources])
    }

    func pipeline(_ auth: String, path: String = "/items", extra: String = "") -> String {
        """
          - name: items
            kind: api
            api:
              base_url: {host}
              auth: \(auth)
        \(extra)      resource: {path: \(path), paginator: {type: header_link}}

        """
    }

    /// Everything a run left behind: its output, the manifest, the lake's files.
    func everything(_ kit: ApiTestKit, _ outputs: [ProcessOutput]) -> String {
        var text = outputs.map { $0.stdout + $0.stderr }.joined(separator: "\n")
        if let files = FileManager.default.enumerator(atPath: kit.store) {
            for case let f as String in files { text += String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: kit.store + "/" + f))) ?? Data(), as: UTF8.self) }
        }
        return text
    }

    @Test(arguments: cases.keys.sorted())
    func everyAuthTypeLoadsAndNoSecretShows(kind: String) throws {
        let (server, auth, env) = Self.cases[kind]!
        let kit = try kit(server)
        let config = try kit.config(pipeline(auth))
        let run = try kit.run(["items"], config: config, environment: env, extra: ["-v"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try kit.rows("items").count == 25)
        let issued = kit.emulator.issuedTokens
        #expect(kind.hasPrefix("oauth2") == !issued.isEmpty)
        let all = everything(kit, [run])
        #expect(!all.contains(Self.secret), "\(kind): the secret leaked")
        for t in issued { #expect(!all.contains(t), "an issued token leaked") }
        #expect(!all.contains(Data("ann:\(Self.secret)".utf8).base64EncodedString()))
    }

    @Test func wrongCredentialsAre401WithTheRedactedURLAndExit4() throws {
        let kit = try kit(["type": "api_key", "name": "key", "location": "query", "value": "right"])
        let config = try kit.config(pipeline("{type: api_key, name: key, value: \"${API_TOKEN}\", location: query}"))
        let run = try runInlet(["run", "items", "--config", config], environment: ["API_TOKEN": Self.secret], currentDirectory: kit.dir)
        #expect(run.status == 4, "\(run.stderr)")
        #expect(run.stderr.contains("items: GET \(kit.emulator.host)/items?key=***: HTTP 401 Unauthorized: <!DOCTYPE html><html><head><title>401 Unauthorized"), "\(run.stderr)")
        #expect(!run.stderr.contains(Self.secret) && !run.stdout.contains(Self.secret))
        #expect(kit.emulator.count("/items") == 1, "a 401 is not retried")
    }

    @Test func forbiddenHTMLIs403AndNotRetried() throws {
        let kit = try kit(["type": "none"], extra: ["/secret": ["status": 403, "body": "<html><body><h1>403 Forbidden</h1>\n<p>no access</p></body></html>"]])
        let config = try kit.config(pipeline("{type: bearer, token: \"${API_TOKEN}\"}", path: "/secret"))
        let run = try runInlet(["run", "items", "--config", config], environment: ["API_TOKEN": Self.secret], currentDirectory: kit.dir)
        #expect(run.status == 4, "\(run.stderr)")
        #expect(run.stderr.contains("HTTP 403 Forbidden: <html><body><h1>403 Forbidden</h1> <p>no access</p></body></html>"), "\(run.stderr)")
        #expect(kit.emulator.count("/secret") == 1)
    }

    /// Tokens that really last 1 s (advertised: an hour); the run is paced to 3 requests a second
    /// over 10 pages, so a token dies mid-run: the 401 renews it once and the run goes on.
    @Test func anOAuth2TokenThatExpiresMidRunIsRenewed() throws {
        var auth = Self.cases["oauth2_basic"]!.0
        auth["valid_seconds"] = 1
        let kit = try ApiTestKit(["auth": auth, "resources": ["/items": ["records": ApiTestKit.issues(95), "paginator": "header_link", "page_size": 10, "wrap": "$"]]])
        let config = try kit.config(pipeline(Self.cases["oauth2_basic"]!.1, extra: "      requests_per_second: 3\n"))
        let run = try kit.run(["items"], config: config, environment: ["API_TOKEN": Self.secret])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try kit.rows("items").count == 95)
        #expect(kit.emulator.issuedTokens.count >= 2, "renewed after the 401")
        let unauthorized = kit.emulator.requests.filter { $0.hasPrefix("GET /items") }.count - 10
        #expect(unauthorized == kit.emulator.issuedTokens.count - 1, "one rejected request per renewal")
    }

    @Test func badClientSecretFailsAtTheTokenEndpoint() throws {
        let kit = try kit(Self.cases["oauth2_basic"]!.0)
        let config = try kit.config(pipeline(Self.cases["oauth2_basic"]!.1))
        let run = try runInlet(["run", "items", "--config", config], environment: ["API_TOKEN": "wrong-\(Self.secret)"], currentDirectory: kit.dir)
        #expect(run.status == 4, "\(run.stderr)")
        #expect(run.stderr.contains("OAuth2 token from \(kit.emulator.host)/oauth/token: HTTP 401 Unauthorized"), "\(run.stderr)")
        #expect(!run.stderr.contains(Self.secret))
    }

    /// A key the config puts in `params` (or a header) rather than `auth`: every message shows
    /// it as written, `${API_KEY}`, percent-encoded in the URL or not.
    @Test func aVariableInParamsIsShownAsWrittenNeverItsValue() throws {
        let key = "k+y/Secret=9"
        let kit = try kit(["type": "none"], extra: ["/keyed": ["status": 404, "body": "{\"message\": \"no such key\"}", "content_type": "application/json"]])
        let config = try kit.config("""
              - name: items
                kind: api
                api:
                  base_url: {host}
                  headers: {X-Trace: "${API_KEY}"}
                  resource: {path: /keyed, params: {api_key: "${API_KEY}", per_page: 10}}

            """)
        let run = try runInlet(["run", "items", "--config", config, "-v"], environment: ["API_KEY": key], currentDirectory: kit.dir)
        #expect(run.status == 4, "\(run.stderr)")
        #expect(run.stderr.contains("items: GET \(kit.emulator.host)/keyed?api_key=${API_KEY}&per_page=10: HTTP 404 Not Found"), "\(run.stderr)")
        #expect(kit.emulator.requests.first?.contains("api_key=k%2By%2FSecret%3D9") == true, "the key was sent: \(kit.emulator.requests)")
        let printed = run.stdout + run.stderr
        #expect(!printed.contains(key) && !printed.contains("k%2By%2FSecret%3D9"))
    }
}
