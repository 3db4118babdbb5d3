import Foundation
import TestSupport
import Testing

/// `inlet api URL`: one endpoint into a dataset without a config, with the same paginators,
/// auth and retries as `kind: api`; the token comes from the variable `--bearer-env` names
/// and appears in no output.
@Suite(.enabled(if: ScriptServer.available && (TestEnvironment.python != nil || TestEnvironment.required)))
struct ApiCommandTests {
    static let secret = "tok-" + UUID().uuidString

    func kit() throws -> ApiTestKit {
        try ApiTestKit(["auth": ["type": "bearer", "token": Self.secret],
                        "resources": ["/v1/issues": ["records": ApiTestKit.issues(57), "paginator": "cursor", "page_size": 10, "wrap": "data"]]])
    }

    func api(_ kit: ApiTestKit, _ extra: [String]) throws -> ProcessOutput {
        try runInlet(["api", "\(kit.emulator.host)/v1/issues?state=all", "--dataset-id", "issues", "--store", kit.store,
                      "--records", "data", "--paginator", "cursor", "--cursor-path", "response_metadata.next_cursor",
                      "--cursor-param", "cursor", "--bearer-env", "GH_TOKEN", "--header", "Accept: application/json"] + extra,
                     environment: ["GH_TOKEN": Self.secret], currentDirectory: kit.dir)
    }

    @Test func loadsEveryPageWithTheTokenFromTheEnvironment() throws {
        let kit = try kit()
        let run = try api(kit, ["--partition-col", "updated_at", "-v"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("57 rows into issues"), "\(run.stdout)")
        let rows = try kit.rows("issues")
        #expect(rows.compactMap { $0["id"] as? Int } == Array(1 ... 57))
        #expect(Set(rows.compactMap { $0["date"] as? String }) == ["2024-01-01", "2024-01-02", "2024-01-03"])
        #expect(kit.emulator.count("/v1/issues") == 6)
        #expect(kit.emulator.requests.allSatisfy { $0.contains("state=all") }, "the URL's query stays on every page")
        #expect(!(run.stdout + run.stderr).contains(Self.secret))
    }

    @Test func dryRunFetchesOnePageAndPublishesNothing() throws {
        let kit = try kit()
        let run = try api(kit, ["--dry-run"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("first page: 10 records"), "\(run.stdout)")
        #expect(run.stdout.contains("next: GET \(kit.emulator.host)/v1/issues?state=all&cursor="), "\(run.stdout)")
        #expect(kit.emulator.count("/v1/issues") == 1)
        #expect(!FileManager.default.fileExists(atPath: kit.store + "/datasets/issues"))
    }

    @Test func aMissingTokenVariableIsAUsageError() throws {
        let kit = try kit()
        let run = try runInlet(["api", "\(kit.emulator.host)/v1/issues", "--dataset-id", "issues", "--store", kit.store, "--bearer-env", "INLET_TEST_UNSET_TOKEN"],
                               currentDirectory: kit.dir)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("INLET_TEST_UNSET_TOKEN"), "\(run.stderr)")
        #expect(kit.emulator.requests.isEmpty)
    }
}
