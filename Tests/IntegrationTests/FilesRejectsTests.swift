import Foundation
import Testing
import TestSupport

extension FilesSourceTests {
    /// `--bad-rows reject` over many objects: the good rows load, and the one rejects file
    /// holds each bad row with its object's URL, its line there, why, and its text.
    @Test(arguments: Place.allCases)
    func badRowsOfManyObjectsGoToOneRejectsFile(place: Place) throws {
        let landing = try landing(place)
        try write(landing, "rejects")
        let rejects = dir.appendingPathComponent("rej-\(place).csv").path
        let r = try inlet(["upload", landing.base + "/rej/*", "--dataset-id", "rej", "--bad-rows", "reject", "--rejects", rejects], landing)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("rejected 3 bad rows"), "\(r.stdout)")
        #expect(try read("rej").ids == [1, 3, 10, 12, 20, 22])

        let script = """
        import csv, json, sys
        with open(sys.argv[1], newline="") as f:
            rows = list(csv.reader(f))
        print(json.dumps(rows))
        """
        let rows = try JSONDecoder().decode([[String]].self, from: Data(try runPython(script, [rejects]).utf8))
        #expect(rows.first == ["object", "line", "reason", "row"])
        let base = landing.base + "/rej/"
        #expect(rows.dropFirst().map { [$0[0], $0[1], $0[3]] } == [[base + "a.csv", "3", "2,b,extra"], [base + "b.csv.gz", "3", "11"],
                                                                   [base + "c.jsonl", "2", "{\"id\": 21, \"v\":"]], "\(rows)")
        #expect(rows.dropFirst().prefix(2).allSatisfy { $0[2].contains("expected 2 fields") }, "\(rows)")

        // Many objects share one rejects file: it has to be named.
        let unnamed = try inlet(["upload", landing.base + "/rej/*", "--dataset-id", "rej2", "--bad-rows", "reject"], landing)
        #expect(unnamed.status == 2, "\(unnamed.stderr)")
        #expect(unnamed.stderr.contains("--rejects is needed with bad_rows reject for many files"), "\(unnamed.stderr)")
    }
}
