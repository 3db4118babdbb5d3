import Foundation
import Testing

/// Bad JSON through `inlet upload`, as a user meets it: one line naming FILE:LINE:COLUMN and the
/// record, exit 3, and the dataset already in the lake untouched, byte for byte.
@Suite final class JSONUploadErrorTests {
    let dir: URL
    var store: String { dir.appendingPathComponent("lake").path }

    init() throws { dir = try TestEnvironment.temporaryDirectory("json-errors") }
    deinit { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Every file under the dataset's folder with its bytes.
    func snapshot(_ id: String) throws -> [String: Data] {
        let root = store + "/datasets/\(id)"
        var files: [String: Data] = [:]
        for p in try FileManager.default.subpathsOfDirectory(atPath: root) {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + p, isDirectory: &isDir), !isDir.boolValue {
                files[p] = try Data(contentsOf: URL(fileURLWithPath: root + "/" + p))
            }
        }
        return files
    }

    @Test(arguments: [
        ("truncated.jsonl", "{\"id\": 1}\n{\"id\": 2, \"name\": ", [String](), "truncated.jsonl:2:", "record 2: "),
        ("scalar.jsonl", "{\"id\": 1}\n[1, 2]\n", [], "scalar.jsonl:2:", "record 2: a record must be an object"),
        ("array.json", "[{\"id\": 1},\n 5]", [], "array.json:2:", "record 2: a record must be an object"),
        ("unclosed.json", "[\n{\"id\": 1},\n{\"id\": 2}\n", [], "unclosed.json:", "the records' array is not closed"),
        ("wrapped.json", "{\"data\": {\"items\": {\"id\": 1}}}", ["--records", "data.items"], "wrapped.json:", "'data.items' holds an object, not an array of records"),
        ("deep.jsonl", "{\"a\": " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}\n", [], "deep.jsonl:1:", "nested more than 512 levels deep"),
        ("nan.jsonl", "{\"id\": 1, \"x\": NaN}\n", [], "nan.jsonl:1:", "--allow-nan"),
    ])
    func badInputIsOneLineExitThreeAndTheLakeKeepsItsData(name: String, text: String, extra: [String], location: String, message: String) throws {
        let good = try write("good.jsonl", "{\"id\": 10, \"name\": \"kept\"}\n")
        let first = try runInlet(["upload", good, "--dataset-id", "events", "--store", store])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try snapshot("events")
        let bad = try write(name, text)
        let run = try runInlet(["upload", bad, "--dataset-id", "events", "--mode", "replace", "--store", store] + extra)
        #expect(run.status == 3, "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(run.stderr)")
        #expect(run.stderr.hasPrefix("error: ") && run.stderr.contains(name) && run.stderr.contains(location), "\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(try snapshot("events") == before, "the dataset already in the lake is untouched")
        let fresh = try runInlet(["upload", bad, "--dataset-id", "fresh", "--store", store] + extra)
        #expect(fresh.status == 3)
        #expect(!FileManager.default.fileExists(atPath: store + "/datasets/fresh/_manifest.json"), "nothing published for a new dataset")
    }

    /// A type the data breaks is exit 3 too, naming the record and the field.
    @Test func aDeclaredTypeTheDataBreaksNamesRecordAndField() throws {
        let file = try write("typed.jsonl", "{\"n\": 1}\n{\"n\": 2}\n{\"n\": \"three\"}\n")
        let run = try runInlet(["upload", file, "--dataset-id", "typed", "--schema", "n=int64", "--store", store])
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("typed.jsonl:3") && run.stderr.contains("\"three\""), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: store + "/datasets/typed/_manifest.json"))
    }
}

/// A 100 MB string through the whole CLI load: it loads, and peak memory stays a small multiple
/// of the record (measured by a Python parent's RUSAGE_CHILDREN, which counts only `inlet`).
@Suite(.enabled(if: TestEnvironment.python != nil || TestEnvironment.required))
struct JSONHugeValueTests {
    @Test func aHundredMegabyteStringLoadsInBoundedMemory() throws {
        let dir = try TestEnvironment.temporaryDirectory("json-huge")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("big.jsonl")
        var text = "{\"id\": 1, \"blob\": \"" + String(repeating: "abcdefghij", count: 10_000_000) + "\"}\n"
        for i in 2 ... 1000 { text += "{\"id\": \(i), \"blob\": \"x\(i)\"}\n" }
        try Data(text.utf8).write(to: file)
        text = ""
        let store = dir.appendingPathComponent("lake").path
        let out = try runPython("""
            import resource, subprocess, sys
            r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
            assert r.returncode == 0, r.stderr
            print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
            """, [TestEnvironment.inletBinary, "upload", file.path, "--dataset-id", "big", "--store", store])
        let peakMiB = try #require(Int(out.trimmingCharacters(in: .whitespacesAndNewlines)))
        print("100 MB string: peak RSS \(peakMiB) MiB")
        #expect(peakMiB < 600, "peak RSS \(peakMiB) MiB for a 100 MB record")
        let parquet = store + "/datasets/big/data/part-0000.parquet"
        let size = try #require(try FileManager.default.attributesOfItem(atPath: parquet)[.size] as? Int)
        #expect(size < 110_000_000, "the value is stored once: \(size) bytes")
        let check = try runPython("""
            import pyarrow.parquet as pq, sys
            t = pq.read_table(sys.argv[1])
            b = t.column("blob").to_pylist()
            print(t.num_rows, len(b[0]), b[0][:10] == "abcdefghij" and b[0][-10:] == "abcdefghij", b[999])
            """, [parquet])
        #expect(check.trimmingCharacters(in: .whitespacesAndNewlines) == "1000 100000000 True x1000")
    }
}
