import Foundation
import TestSupport
import Testing

/// A bad `kind: api` block is one line naming the file, line, pipeline and key, exit 2,
/// before any request is made and with the lake untouched.
struct ApiConfigErrorTests {
    static let cases: [(String, String)] = [
        ("resource: {path: /a, paginatr: {type: header_link}}",
         "inlet.yaml:7: pipeline 'p', api, resource: unknown key 'paginatr' (did you mean 'paginator'?)"),
        ("resource: {path: /a, paginator: {type: headerlink}}",
         "resource, paginator: unknown paginator type 'headerlink' (did you mean 'header_link'?"),
        ("resource: {path: /a, paginator: {type: cursor, cursor_path: next}}",
         "resource, paginator: paginator cursor needs 'cursor_param'"),
        ("resource: {path: \"/r/{owner}/issues\"}",
         "resource: path '/r/{owner}/issues' names {owner}, which path_params does not give"),
        ("resource: {path: /a, records: \"data[x\"}",
         "resource: 'records': invalid path 'data[x': '[' without ']'"),
        ("auth: {type: bearer}\n      resource: {path: /a}",
         "api, auth: auth type bearer needs 'token'"),
        ("auth: {type: bearer, token: \"${INLET_TEST_UNSET_TOKEN}\"}\n      resource: {path: /a}",
         "api, auth: 'token' uses ${INLET_TEST_UNSET_TOKEN}, which is not set (in the environment or .env)"),
        ("resource: {path: /a, incremental: {cursor_path: updated_at}}",
         "resource, incremental: incremental needs 'param'"),
        ("max_retries: -1\n      resource: {path: /a}",
         "api: 'max_retries' must be 0 or more"),
        ("resource: {path: /a}\n      children: [{dataset_id: c, path: \"/a/{id}/b\"}]",
         "api, children[0]: path '/a/{id}/b' names {id}, which neither params_from_parent nor the resource's path_params gives"),
        ("resource: {path: /a}\n    mode: merge",
         "pipeline 'p': 'primary_key' is needed by mode merge: the column(s) whose value identifies a row"),
    ]

    @Test(arguments: cases.indices)
    func aBadConfigIsOneLineAndExit2(_ i: Int) throws {
        let (block, expected) = Self.cases[i]
        let dir = try TestEnvironment.temporaryDirectory("api-config")
        defer { try? FileManager.default.removeItem(at: dir) }
        let yaml = "store: ./lake\npipelines:\n  - name: p\n    kind: api\n    api:\n      base_url: http://127.0.0.1:9\n      \(block)\n"
        try Data(yaml.utf8).write(to: dir.appendingPathComponent("inlet.yaml"))
        let run = try runInlet(["run", "p", "--config", "inlet.yaml"], currentDirectory: dir)
        #expect(run.status == 2, "\(block): \(run.stderr)")
        #expect(run.stderr.contains(expected), "\(block): \(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "one line: \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("lake/datasets").path))
    }
}
