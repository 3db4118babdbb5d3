import Foundation
import Testing

/// `kill -9` at random moments of a large partitioned upload: every partition must stay
/// readable as exactly its old or its new version, never missing, mixed or half-written.
@Suite(.enabled(if: TestEnvironment.python != nil || TestEnvironment.required), .serialized)
struct CrashSafetyTests {
    /// Writes a CSV of `days` partitions; every row carries `version`, and each version has
    /// its own rows per day, so a partition's (row count, versions) says which load it holds.
    static func makeCSV(_ url: URL, version: Int, rowsPerDay: Int, days: Int) throws {
        var text = "day,id,version,payload\n"
        let pad = String(repeating: "x", count: 60)
        for d in 0 ..< days {
            let day = CivilDay(offset: d)
            for i in 0 ..< rowsPerDay { text += "\(day),\(d * 1_000_000 + i),\(version),\(pad)\(i)\n" }
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    struct CivilDay: CustomStringConvertible {
        let offset: Int
        var description: String { String(format: "2025-01-%02d", offset + 1) }
    }

    static let verifyScript = #"""
import json, os, sys, pyarrow.dataset as ds, pyarrow.parquet as pq
root, a_rows, b_rows, days = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
parts = sorted(d for d in os.listdir(root) if d.startswith("date="))
assert len(parts) == days, f"{len(parts)} partitions visible, expected {days}: {parts}"
states = {}
for p in parts:
    t = pq.ParquetDataset(os.path.join(root, p)).read()
    versions = set(t.column("version").to_pylist())
    n = t.num_rows
    ok = (versions == {1} and n == a_rows) or (versions == {2} and n == b_rows)
    assert ok, f"{p}: {n} rows of versions {versions} is neither the old nor the new partition"
    states[p] = versions.pop()
ds.dataset(root, format="parquet", partitioning="hive").to_table()  # the whole dataset reads
print(json.dumps(states))
"""#

    @Test func killedUploadsLeaveEveryPartitionOldOrNew() throws {
        let dir = try TestEnvironment.temporaryDirectory("crash")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("lake")
        let (aRows, bRows, days) = (9_000, 12_000, 12)
        let a = dir.appendingPathComponent("a.csv"), b = dir.appendingPathComponent("b.csv")
        try Self.makeCSV(a, version: 1, rowsPerDay: aRows, days: days)
        try Self.makeCSV(b, version: 2, rowsPerDay: bRows, days: days)
        // Small files, so each partition spans several parts and a kill can land between them.
        func upload(_ csv: URL) -> [String] {
            [TestEnvironment.inletBinary, "upload", csv.path, "--dataset-id", "crash", "--partition-col", "day",
             "--store", store.path, "--max-file-size", "1MiB", "-q"]
        }
        let root = store.appendingPathComponent("datasets/crash/partitions").path
        let args = [root, String(aRows), String(bRows), String(days)]

        let first = try spawn(upload(a)[0], Array(upload(a).dropFirst()))
        #expect(first.status == 0, "\(first.stderr)")
        let started = Date()
        let full = try spawn(upload(b)[0], Array(upload(b).dropFirst()))
        let fullSeconds = Date().timeIntervalSince(started)
        #expect(full.status == 0, "\(full.stderr)")
        #expect(try runPython(Self.verifyScript, args).contains("\"date=2025-01-01\": 2"))

        var rng = SystemRandomNumberGenerator()
        var sawMixedStates = false
        for attempt in 0 ..< 12 {
            let csv = attempt % 2 == 0 ? a : b
            let p = Process()
            p.executableURL = URL(fileURLWithPath: TestEnvironment.inletBinary)
            p.arguments = Array(upload(csv).dropFirst())
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            let delay = Double.random(in: 0.05 ... max(0.1, fullSeconds * 1.1), using: &rng)
            usleep(UInt32(delay * 1_000_000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            // The killed load's lease would hold the dataset for its TTL: break it, as an
            // operator who knows the holder is dead would.
            let unlock = try spawn(TestEnvironment.inletBinary, ["unlock", "crash", "--yes", "--store", store.path])
            #expect(unlock.status == 0, "\(unlock.stderr)")
            let states: String
            do {
                states = try runPython(Self.verifyScript, args)
            } catch {
                Issue.record("after kill -9 at \(String(format: "%.2f", delay)) s (attempt \(attempt)): \(error)")
                return
            }
            if states.contains(": 1") && states.contains(": 2") { sawMixedStates = true }
        }
        // A final complete run publishes everything, whatever the kills left.
        let last = try spawn(upload(a)[0], Array(upload(a).dropFirst()))
        #expect(last.status == 0, "\(last.stderr)")
        #expect(!(try runPython(Self.verifyScript, args).contains(": 2")))
        // Not asserted (timing-dependent), only reported: whether a kill landed mid-publish.
        print("crash test: a kill left partitions in different versions: \(sawMixedStates)")
    }
}
