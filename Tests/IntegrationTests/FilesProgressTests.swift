import Foundation
import Testing
import TestSupport

extension FilesSourceTests {
    /// Progress of many objects names the objects done out of all, bytes, rows and the rate,
    /// in both passes (plain lines, as in a log; INLET_PROGRESS_SECONDS=0 prints every update).
    @Test(arguments: Place.allCases)
    func progressCountsObjectsBytesAndRate(place: Place) throws {
        let landing = try landing(place)
        try write(landing, "kill-0")
        let r = try inlet(["upload", landing.base + "/kill/*", "--dataset-id", "progress"], landing, env: ["INLET_PROGRESS_SECONDS": "0"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("progress: ") }
        for phase in ["scan", "write"] {
            let shown = lines.filter { $0.contains("% \(phase) ") }
            #expect(!shown.isEmpty, "no \(phase) progress in: \(r.stderr)")
            // e.g. `progress: 40% write 8/20 objects 12.1 KB/30.2 KB 400 rows 1.2 MB/s ETA 0s`
            #expect(shown.allSatisfy { $0.range(of: #"\d+/20 objects [\d.]+ [KMG]?B/[\d.]+ [KMG]?B [\d,]+ rows [\d.]+ [KMG]?B/s ETA"#,
                                                  options: .regularExpression) != nil }, "\(shown)")
            #expect(shown.contains { $0.contains(" 20/20 objects ") } || phase == "scan", "\(shown)")
        }
    }
}
