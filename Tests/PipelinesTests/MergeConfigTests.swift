import Pipelines
import Testing

/// `mode: merge` and `primary_key` in inlet.yaml: the pipeline's key, a postgres or api
/// source's own key making the load a merge, and the errors.
@Suite struct MergeConfigTests {
    func parse(_ yaml: String) throws -> PipelineConfig {
        try PipelineConfig.parse(yaml, file: "inlet.yaml", environment: [:])
    }

    @Test func aPipelineKeyOrASourceKeyMakesAMerge() throws {
        let c = try parse("""
        pipelines:
          - {name: a, kind: csv, csv: {path: a.csv}, mode: merge, primary_key: [id, region]}
          - {name: b, kind: csv, csv: {path: b.csv}, primary_key: id}
          - {name: p, kind: postgres, postgres: {url: "postgres://h/db", table: t, primary_key: [id]}}
          - {name: q, kind: postgres, postgres: {url: "postgres://h/db", table: t, primary_key: [id]}, mode: append}
          - {name: r, kind: api, api: {base_url: "http://127.0.0.1:9", resource: {path: /r, primary_key: id}}}
          - {name: s, kind: api, api: {base_url: "http://127.0.0.1:9", resource: {path: /r, primary_key: user.id}}}
        """)
        let loads = c.pipelines.map { ($0.load.mode, $0.load.primaryKey) }
        #expect(loads[0] == ("merge", ["id", "region"]))
        #expect(loads[1] == ("merge", ["id"]), "a key alone means merge")
        #expect(loads[2] == ("merge", ["id"]), "postgres: its primary_key")
        #expect(loads[3] == ("append", []), "a mode written wins")
        #expect(loads[4] == ("merge", ["id"]), "api: a top-level primary_key")
        #expect(loads[5].1 == [], "a nested api key has no column to merge by")
        #expect(try c.pipelines[0].load.loadOptions().primaryKey == ["id", "region"])
    }

    @Test func mergeWithoutAKeyAndAKeyWithAnotherModeAreErrors() {
        for (yaml, expected) in [
            ("{name: a, kind: csv, csv: {path: a.csv}, mode: merge}", "'primary_key' is needed by mode merge"),
            ("{name: a, kind: csv, csv: {path: a.csv}, mode: append, primary_key: id}", "'primary_key' is for mode merge, not append"),
        ] {
            do {
                _ = try parse("pipelines:\n  - \(yaml)\n")
                Issue.record("expected an error for \(yaml)")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
    }
}
