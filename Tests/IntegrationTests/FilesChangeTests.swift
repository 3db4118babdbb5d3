import Foundation
import Testing
import TestSupport

/// Changed objects (`on_change: reload` under a merge, and where it is refused) and the
/// command line's forms of the config-only keys: `--since`, `--move-to`, `--on-change`.
extension FilesSourceTests {
    /// The state's entry for one object URL: size and version.
    func loadedObject(_ dataset: String, _ url: String) throws -> [String: Any] {
        let state = try #require(try manifest(dataset)["state"] as? [String: Any])
        return try #require((state["objects"] as? [String: Any])?[url] as? [String: Any], "\(url) in \(state)")
    }

    /// A changed object under `on_change: reload` and a primary key: its new rows replace the
    /// old ones by key, its new row joins them, the state records its new version, and the next
    /// run loads nothing.
    @Test(arguments: Place.allCases)
    func aChangedObjectIsReloadedByKeyWhenTheLoadMerges(place: Place) throws {
        let landing = try landing(place)
        try write(landing, "inc-100", "inc-200")
        let config = try config(landing.base + "/inc/*.csv", dataset: "reload", extra: "      on_change: reload\n    primary_key: [id]\n")
        let run1 = try run(config, landing)
        #expect(run1.status == 0, "\(run1.stderr)")
        #expect(try read("reload").ids == Self.ids(100, 200))
        let url = "\(landing.base)/inc/ids-000100.csv"
        let before = try loadedObject("reload", url)

        try write(landing, "updated-100")
        let run2 = try run(config, landing)
        #expect(run2.status == 0, "\(run2.stderr)")
        let loaded = try read("reload", sampleID: 101, sampleColumn: "day")
        #expect(loaded.ids == [100, 101, 102, 103, 200, 201, 202], "the new contents, each key once")
        #expect(loaded.sample?["day"] == "2025-03-02", "the updated row replaced the old one")
        let after = try loadedObject("reload", url)
        #expect(after["size"] as? Int != before["size"] as? Int && after["version"] as? String != before["version"] as? String,
                "the state records the new version: \(before) → \(after)")

        let run3 = try run(config, landing)
        #expect(run3.status == 0, "\(run3.stderr)")
        #expect((run3.stdout + run3.stderr).contains("nothing new to load"), "\(run3.stdout)\(run3.stderr)")
        #expect(try read("reload").ids == [100, 101, 102, 103, 200, 201, 202])
    }

    /// `reload` without a merge would keep the old rows beside the new: refused before loading,
    /// exit 2, saying why.
    @Test func reloadIsRefusedUnlessTheLoadMerges() throws {
        let landing = try landing(.local)
        try write(landing, "inc-100")
        for extra in ["      on_change: reload\n", "      on_change: reload\n    mode: append\n"] {
            let r = try run(try config(landing.base + "/inc/*.csv", dataset: "refused", extra: extra), landing)
            #expect(r.status == 2, "\(r.stderr)")
            #expect(r.stderr.contains("'on_change' reload needs a load that merges by key") && r.stderr.contains("old rows would stay beside"), "\(r.stderr)")
        }
        let cli = try inlet(["upload", landing.base + "/inc/*.csv", "--dataset-id", "refused", "--incremental", "--on-change", "reload"], landing)
        #expect(cli.status == 2, "\(cli.stderr)")
        #expect(cli.stderr.contains("--on-change reload needs a load that merges by key"), "\(cli.stderr)")
        #expect(!FileManager.default.fileExists(atPath: lake + "/datasets/refused"), "nothing loaded")
    }

    /// `--since`, `--move-to` and `--on-change` do what their config keys do; a bad value is
    /// one line naming the flag, exit 2.
    @Test func theConfigOnlyKeysAsFlags() throws {
        let landing = try landing(.local)
        let glob = landing.base + "/inc/*.csv"
        for (flag, value) in [("--since", "last tuesday"), ("--on-change", "sometimes"), ("--move-to", "s3://elsewhere/done/")] {
            let bad = try inlet(["upload", glob, "--dataset-id", "flags", flag, value], landing)
            #expect(bad.status == 2, "\(flag): \(bad.stderr)")
            #expect(bad.stderr.contains(flag), "\(flag): \(bad.stderr)")
        }

        // The late object was last modified an hour ago: --since half an hour ago leaves it out.
        try write(landing, "inc-100", "late-900")
        let since = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-1800))
        let recent = try inlet(["upload", glob, "--dataset-id", "recent", "--since", since], landing)
        #expect(recent.status == 0, "\(recent.stderr)")
        #expect(try read("recent").ids == Self.ids(100))
        let dated = try inlet(["upload", glob, "--dataset-id", "dated", "--since", "2000-01-01"], landing)
        #expect(dated.status == 0, "\(dated.stderr)")
        #expect(try read("dated").ids == Self.ids(100, 900))

        // A changed object: skipped with a warning, then reloaded by key.
        #expect(try inlet(["upload", glob, "--dataset-id", "changes", "--incremental"], landing).status == 0)
        try write(landing, "updated-100")
        let skipped = try inlet(["upload", glob, "--dataset-id", "changes", "--incremental", "--on-change", "skip"], landing)
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(skipped.stderr.contains("ids-000100.csv changed since it was loaded"), "\(skipped.stderr)")
        #expect(try read("changes").ids == Self.ids(100, 900))
        let reloaded = try inlet(["upload", glob, "--dataset-id", "changes", "--incremental", "--on-change", "reload", "--primary-key", "id"], landing)
        #expect(reloaded.status == 0, "\(reloaded.stderr)")
        #expect(try read("changes").ids == [100, 101, 102, 103, 900, 901, 902])

        // --move-to moves what was loaded, once the load has published.
        let moved = try inlet(["upload", glob, "--dataset-id", "moved", "--move-to", landing.base + "/done/"], landing)
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(try read("moved").ids == [100, 101, 102, 103, 900, 901, 902])
        let left = try FileManager.default.contentsOfDirectory(atPath: landing.root + "/inc")
        #expect(left.isEmpty, "moved away: \(left)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: landing.root + "/done").sorted() == ["ids-000100.csv", "late-000900.csv"])
    }
}
