import Foundation
import Testing
import TestSupport

extension FilesSourceTests {
    /// Progress of many objects names the objects done out of all, bytes, rows and the rate
    /// (plain lines, as in a log; INLET_PROGRESS_SECONDS=0 prints every update): on one `load`
    /// bar when pass 2 writes during pass 1 under the first objects' types, and on a `scan` and a
    /// `write` bar when it waits for pass 1 (told not to speculate, or rows rejected).
    @Test(arguments: Place.allCases)
    func progressCountsObjectsBytesAndRate(place: Place) throws {
        let landing = try landing(place)
        try write(landing, "kill-0")
        let rejects = dir.appendingPathComponent("progress.rejects.csv").path
        let runs: [(mode: String, extra: [String], phases: [String])] = [
            ("always", [], ["load"]), ("never", [], ["scan", "write"]),
            ("always", ["--bad-rows", "reject", "--rejects", rejects], ["scan", "write"]),
        ]
        for (mode, extra, phases) in runs {
            let r = try inlet(["upload", landing.base + "/kill/*", "--dataset-id", "progress"] + extra, landing,
                              env: ["INLET_PROGRESS_SECONDS": "0", "INLET_FILES_SPECULATION": mode])
            #expect(r.status == 0, "\(r.stderr)")
            let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("progress: ") }
            for phase in ["load", "scan", "write"] {
                let shown = lines.filter { $0.contains("% \(phase) ") }
                guard phases.contains(phase) else {
                    #expect(shown.isEmpty, "\(phase) progress with \(mode) \(extra): \(shown)")
                    continue
                }
                #expect(!shown.isEmpty, "no \(phase) progress in: \(r.stderr)")
                // e.g. `progress: 40% write 8/20 objects 12.1 KB/30.2 KB 400 rows 1.2 MB/s ETA 0s`
                #expect(shown.allSatisfy { $0.range(of: #"\d+/20 objects [\d.]+ [KMG]?B/[\d.]+ [KMG]?B [\d,]+ rows [\d.]+ [KMG]?B/s ETA"#,
                                                      options: .regularExpression) != nil }, "\(shown)")
                #expect(shown.contains { $0.contains(" 20/20 objects ") } || phase == "scan", "\(shown)")
            }
        }
    }
}
