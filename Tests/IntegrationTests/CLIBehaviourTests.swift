import Foundation
import Testing

/// The command line as a user meets it: exit codes, one-line errors, JSON output,
/// catalog commands, preview. Runs the built `inlet` binary; needs no Python.
@Suite final class CLIBehaviourTests {
    let dir: URL
    var store: String { dir.appendingPathComponent("lake").path }

    init() throws { dir = try TestEnvironment.temporaryDirectory("cli") }
    deinit { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func usageErrorsExitTwoBeforeAnyWork() throws {
        let csv = try write("a.csv", "x\n1\n")
        let badId = try runInlet(["upload", csv, "--dataset-id", "../etc", "--store", store])
        #expect(badId.status == 2)
        #expect(badId.stderr.hasPrefix("error: invalid dataset id '../etc'"), "one error style: \(badId.stderr)")
        let missing = try runInlet(["upload", dir.appendingPathComponent("nope.csv").path, "--dataset-id", "a", "--store", store])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nope.csv"))
        let badMode = try runInlet(["upload", csv, "--dataset-id", "a", "--mode", "overwrite", "--store", store])
        #expect(badMode.status == 2)
        #expect(badMode.stderr.hasPrefix("error: ") && badMode.stderr.contains("Usage: inlet upload"), "\(badMode.stderr)")
        let badTz = try runInlet(["upload", csv, "--dataset-id", "a", "--partition-timezone", "Mars/Base", "--store", store])
        #expect(badTz.status == 2)
        #expect(!FileManager.default.fileExists(atPath: store), "a usage error must not create the lake")
    }

    /// The binary's malloc is jemalloc (linked ahead of glibc; see Package.swift): if the link
    /// order ever let glibc's win, 1000-partition loads would silently lose 7% and RSS flatness.
    @Test func mallocIsJemalloc() throws {
        #if os(Linux)
        let run = try runInlet(["--version"], environment: ["MALLOC_CONF": "stats_print:true"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("Begin jemalloc statistics"), "stderr: \(run.stderr.prefix(200))")
        #endif
    }

    /// On a terminal (a pty from util-linux `script`) errors are coloured; NO_COLOR turns that off.
    @Test func colourOnlyOnATerminalAndNeverWithNoColor() throws {
        let script = "/usr/bin/script"
        guard FileManager.default.isExecutableFile(atPath: script) else { return }
        let bad = try write("ragged.csv", "a,b\n1,2\n3\n")
        let command = "'\(TestEnvironment.inletBinary)' upload '\(bad)' --dataset-id x --store '\(store)'"
        func run(_ environment: [String: String]) throws -> String {
            try spawn(script, ["-qec", command, "/dev/null"], environment: environment).stdout
        }
        let coloured = try run(["NO_COLOR": "", "TERM": "xterm"])
        #expect(coloured.contains("\u{1B}[31merror:\u{1B}[0m"), "\(coloured)")
        #expect(coloured.contains("ragged.csv:3"))
        let plain = try run(["NO_COLOR": "1", "TERM": "xterm"])
        #expect(!plain.contains("\u{1B}["), "\(plain)")
        #expect(plain.contains("error: "))
        // Not a terminal: never coloured, whatever NO_COLOR says.
        let piped = try spawn(TestEnvironment.inletBinary, ["upload", bad, "--dataset-id", "x", "--store", store],
                              environment: ["NO_COLOR": "", "TERM": "xterm"])
        #expect(!piped.stderr.contains("\u{1B}["))
        #expect(piped.stderr.contains("error: "))
    }

    /// The manifest's source SHA-256 is the whole file's (BOM, header, trailing blank lines),
    /// taken from the bytes a pass reads: the one pass, or the first of two when the types
    /// change after the first chunk, or pass 2 with `--bad-rows reject` (replayed blocks for
    /// UTF-8, a transcoding read otherwise). Each written file's checksum and size, taken as it
    /// was written, match the file on disk. `sha256sum` is the reference.
    @Test func manifestChecksumsMatchTheSourceAndEveryFile() throws {
        var big = Data([0xEF, 0xBB, 0xBF])
        big.append(Data("id,name,amount\n".utf8))
        for i in 0 ..< 400_000 { big.append(Data("\(i),\"name, \(i % 977)\",\(i % 1000).25\n".utf8)) }
        big.append(Data("\n\n".utf8))
        let utf8 = dir.appendingPathComponent("big.csv")
        try big.write(to: utf8)
        #expect(big.count > 8 << 20, "several 4 MiB blocks")
        let cp1252 = dir.appendingPathComponent("latin.csv")
        try Data([0x6E, 0x61, 0x6D, 0x65, 0x2C, 0x6E, 0x0A, 0x63, 0x61, 0x66, 0xE9, 0x2C, 0x31, 0x0A]).write(to: cp1252)
        let dated = URL(fileURLWithPath: try write("dated.csv", "d,v\n2024-01-01,1\n2024-01-02,2\n2024-01-01,3\n2024-01-03,4\n"))
        let changing = URL(fileURLWithPath: try write("changing.csv", "n\n" + (0 ..< 70_000).map(String.init).joined(separator: "\n") + "\nx\n"
                                                      + (0 ..< 70_000).map(String.init).joined(separator: "\n") + "\n"))
        // gzip'd copies: the source's checksum is the .gz file's, the data the same as the plain file's.
        func gzipped(_ url: URL) throws -> URL {
            _ = try runProcess("/usr/bin/env", ["gzip", "-kn", url.path])
            return URL(fileURLWithPath: url.path + ".gz")
        }
        let changingGz = try gzipped(changing), utf8Gz = try gzipped(utf8)
        func sha256sum(_ path: String) throws -> String { String(try spawn("/usr/bin/sha256sum", [path]).stdout.prefix(64)) }
        for (file, extra) in [(utf8, [String]()), (cp1252, ["--encoding", "windows-1252"]), (dated, ["--partition-col", "d"]),
                              (changing, []), (utf8, ["--bad-rows", "reject"]), (cp1252, ["--encoding", "windows-1252", "--bad-rows", "reject"]),
                              (changingGz, []), (utf8Gz, ["--bad-rows", "reject"])] {
            let id = file.lastPathComponent.replacingOccurrences(of: ".", with: "-") + (extra.contains("reject") ? "-rejects" : "")
            let r = try runInlet(["upload", file.path, "--dataset-id", id, "--store", store, "--json"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            let manifest = try Data(contentsOf: URL(fileURLWithPath: store + "/datasets/\(id)/_manifest.json"))
            let object = try #require(try JSONSerialization.jsonObject(with: manifest) as? [String: Any])
            let source = try #require(object["source"] as? [String: Any])
            #expect(source["sha256"] as? String == (try sha256sum(file.path)), "\(file.lastPathComponent)")
            let files = try #require(object["files"] as? [[String: Any]])
            #expect(!files.isEmpty)
            for f in files {
                let path = store + "/" + (f["key"] as! String)
                #expect(f["sha256"] as? String == (try sha256sum(path)), "\(path)")
                #expect((f["bytes"] as? NSNumber)?.int64Value == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64))
            }
        }
        for (plain, packed) in [("changing-csv", "changing-csv-gz"), ("big-csv-rejects", "big-csv-gz-rejects")] {
            let file = "/data/part-0000.parquet"
            #expect(try Data(contentsOf: URL(fileURLWithPath: store + "/datasets/" + plain + file))
                == (try Data(contentsOf: URL(fileURLWithPath: store + "/datasets/" + packed + file))), "\(packed)")
        }
    }

    /// Types come from the whole file even though a load converts under those of its first
    /// 65,536 rows and last 256 KiB: in between, a text turns an integer column into a string,
    /// and a partition column empty at both ends turns out to hold dates. Both loads are then
    /// written again under the whole file's types (the partitioned one after the lake refused
    /// the tentative string column), and say so under -v. A totals row at the end is seen
    /// before the pass gets there: no second pass.
    @Test func typesThatChangeAfterTheFirstChunkAreTheWholeFilesTypes() throws {
        let rows = { (range: Range<Int>) in range.map { "\($0),\($0 % 7)" }.joined(separator: "\n") + "\n" }
        let ids = try write("ids.csv", "id,v\n" + rows(0 ..< 70_000) + "A-1,8\n" + rows(70_000 ..< 140_000))
        let r = try runInlet(["upload", ids, "--dataset-id", "ids", "--store", store, "--json", "-v"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("first 65,536 rows and last rows ('id' int64 → string); writing again"), "\(r.stderr)")
        let out = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(out["rows"] as? Int == 140_001)
        let columns = try #require(out["columns"] as? [[String: Any]])
        #expect(columns.map { $0["type"] as? String } == ["string", "int64"])
        #expect(columns[0]["fallback_line"] as? Int == 70_002, "\(columns[0])")

        let totals = try write("totals.csv", "id,v\n" + rows(0 ..< 140_000) + "Total,1\n")
        let t = try runInlet(["upload", totals, "--dataset-id", "totals", "--store", store, "--json", "-v"])
        #expect(t.status == 0, "\(t.stderr)")
        #expect(!t.stderr.contains("writing again"), "\(t.stderr)")
        let totalsOut = try #require(try JSONSerialization.jsonObject(with: Data(t.stdout.utf8)) as? [String: Any])
        #expect((totalsOut["columns"] as? [[String: Any]])?.first?["type"] as? String == "string")

        let empty = (0 ..< 40_000).map { ",\($0)" }.joined(separator: "\n") + "\n"
        let late = try write("late.csv", "day,v\n" + (0 ..< 66_000).map { ",\($0)" }.joined(separator: "\n") + "\n"
                             + (0 ..< 4_000).map { "2025-03-0\($0 % 3 + 1),\($0)" }.joined(separator: "\n") + "\n" + empty)
        let p = try runInlet(["upload", late, "--dataset-id", "late", "--partition-col", "day", "--store", store, "--json", "-v"])
        #expect(p.status == 0, "\(p.stderr)")
        #expect(p.stderr.contains("('day' string → date)"), "\(p.stderr)")
        let partitions = try FileManager.default.contentsOfDirectory(atPath: store + "/datasets/late/partitions").sorted()
        #expect(partitions == ["date=2025-03-01", "date=2025-03-02", "date=2025-03-03", "date=__HIVE_DEFAULT_PARTITION__"])
        // A column that is no date over the whole file is refused as before, naming it.
        let text = try write("text.csv", "day,v\n" + (0 ..< 66_000).map { "2025-03-01,\($0)" }.joined(separator: "\n") + "\nsoon,1\n")
        let refused = try runInlet(["upload", text, "--dataset-id", "text", "--partition-col", "day", "--store", store])
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("'day'"), "\(refused.stderr)")
    }

    @Test func badDataExitsThreeNamingFileAndLine() throws {
        let csv = try write("bad.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n")
        let r = try runInlet(["upload", csv, "--dataset-id", "bad", "--store", store])
        #expect(r.status == 3)
        #expect(r.stderr.contains("bad.csv:3: expected 3 fields, found 2"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "one clear line: \(r.stderr)")
    }

    @Test func partitionColumnMustBeDateOrTimestamp() throws {
        let csv = try write("p.csv", "name,day\nx,2025-01-01\n")
        let r = try runInlet(["upload", csv, "--dataset-id", "p", "--partition-col", "name", "--store", store])
        #expect(r.status == 2)
        #expect(r.stderr.contains("'name'"), "\(r.stderr)")
        let missing = try runInlet(["upload", csv, "--dataset-id", "p", "--partition-col", "when", "--store", store])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("'when'"), "\(missing.stderr)")
    }

    /// SIGTERM (or Ctrl-C) in the middle of a load: exit 128+15, a message, no staged files left,
    /// the published version untouched; the next load runs as usual.
    @Test func signalledLoadRemovesItsStagingAndKeepsTheLake() throws {
        let small = try write("small.csv", "id,v\n1,a\n")
        #expect(try runInlet(["upload", small, "--dataset-id", "s", "--store", store]).status == 0)
        let dataFile = store + "/datasets/s/data/part-0000.parquet"
        let before = try Data(contentsOf: URL(fileURLWithPath: dataFile))
        var text = "id,v\n"
        for i in 0 ..< 600_000 { text += "\(i),value \(i % 97)\n" }
        let big = try write("big.csv", text)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestEnvironment.inletBinary)
        p.arguments = ["upload", big, "--dataset-id", "s", "--store", store]
        p.environment = ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1"]) { $1 }
        let errURL = dir.appendingPathComponent("signal-err")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: errURL)
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        // Signal once the load has a staged file open (it takes seconds to finish).
        let staging = store + "/_staging/s"
        func stagedFiles() -> [String] {
            ((try? FileManager.default.subpathsOfDirectory(atPath: staging)) ?? []).filter { $0.hasSuffix(".parquet") }
        }
        let deadline = Date().addingTimeInterval(60)
        while stagedFiles().isEmpty, p.isRunning, Date() < deadline { usleep(2_000) }
        #expect(p.isRunning, "the load ended before it could be signalled")
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        #expect(p.terminationStatus == 128 + SIGTERM, "\(stderr)")
        #expect(stderr.contains("interrupted by SIGTERM: 1 load cancelled before publishing"), "\(stderr)")
        #expect(stagedFiles().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: staging) == [".lock"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: dataFile)) == before)
        let again = try runInlet(["upload", small, "--dataset-id", "s", "--store", store])
        #expect(again.status == 0, "\(again.stderr)")
    }

    /// A file where the store or its staging folder should be is named, with the system's reason.
    @Test func fileInTheWayOfTheStoreIsAClearError() throws {
        let csv = try write("a.csv", "x\n1\n")
        let notFolder = try write("lake-file", "")
        let r = try runInlet(["upload", csv, "--dataset-id", "a", "--store", notFolder])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--store '\(notFolder)' is a file"), "\(r.stderr)")
        try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: store + "/_staging", contents: Data())
        let staging = try runInlet(["upload", csv, "--dataset-id", "a", "--store", store])
        #expect(staging.status == 4)
        #expect(staging.stderr.contains("creating the staging folder") && staging.stderr.contains("Not a directory"), "\(staging.stderr)")
        #expect(!staging.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test func uploadShowDatasetsClearRoundTrip() throws {
        let csv = try write("sales.csv", "day,amount,zip\n2025-01-01,1.5,00123\n2025-01-02,2.25,\n2025-01-02,,99999\n")
        let up = try runInlet(["upload", csv, "--dataset-id", "sales", "--partition-col", "day", "--store", store, "--json"])
        #expect(up.status == 0, "\(up.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(up.stdout.utf8)) as? [String: Any]
        #expect(result?["rows"] as? Int == 3)
        #expect((result?["partitions"] as? [String])?.sorted() == ["date=2025-01-01", "date=2025-01-02"])

        let show = try runInlet(["show", "sales", "--store", store])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("zip"))
        #expect(show.stdout.contains("string"), "leading zeros keep zip a string: \(show.stdout)")
        #expect(show.stdout.contains("date=2025-01-02"))

        let list = try runInlet(["datasets", "--store", store, "--json"])
        let datasets = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(datasets?.first?["id"] as? String == "sales")
        #expect(datasets?.first?["rows"] as? Int == 3)

        let shown = try runInlet(["show", "sales", "--store", store, "--json"])
        let preview = try runInlet(["preview", csv, "--json"])
        let clear = try runInlet(["clear", "sales", "--store", store, "--json"])
        #expect(clear.status == 0)
        let cleared = try JSONSerialization.jsonObject(with: Data(clear.stdout.utf8)) as? [String: Any]
        #expect(cleared?["deleted_objects"] as? Int == 3, "two files and the manifest: \(clear.stdout)")
        // Every command's JSON uses one key convention.
        for out in [up, list, shown, preview, clear] {
            let keys = jsonKeys(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)))
            #expect(!keys.isEmpty)
            #expect(keys.allSatisfy { $0.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" } }, "\(keys.sorted())")
        }
        let after = try FileManager.default.subpathsOfDirectory(atPath: store).filter { $0.hasSuffix(".parquet") || $0.hasSuffix(".json") }
        #expect(after.isEmpty, "\(after)")
        let gone = try runInlet(["show", "sales", "--store", store])
        #expect(gone.status == 2)
    }

    /// Every key of every object in a parsed JSON value.
    private func jsonKeys(_ value: Any) -> Set<String> {
        if let object = value as? [String: Any] {
            return object.reduce(into: Set(object.keys)) { $0.formUnion(jsonKeys($1.value)) }
        }
        if let array = value as? [Any] { return array.reduce(into: Set<String>()) { $0.formUnion(jsonKeys($1)) } }
        return []
    }

    /// `show --rows` reads the first rows back with our own reader, one partition or all, as a
    /// table or JSON (nulls as null); a partition that is not there names the ones that are.
    @Test func showRowsReadsTheDatasetBack() throws {
        let csv = try write("s.csv", "day,amount,note\n2025-01-01,1.5,a\n2025-01-02,2.25,\n2025-01-02,3,c\n")
        #expect(try runInlet(["upload", csv, "--dataset-id", "s", "--partition-col", "day", "--store", store]).status == 0)
        let all = try runInlet(["show", "s", "--rows", "2", "--store", store])
        #expect(all.status == 0, "\(all.stderr)")
        let lines = all.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(lines == [["day", "amount", "note"], ["2025-01-01", "1.5", "a"], ["2025-01-02", "2.25", "null"]], "\(all.stdout)")
        let one = try runInlet(["show", "s", "--rows", "5", "--partition", "2025-01-02", "--store", store, "--json"])
        #expect(one.status == 0, "\(one.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any]
        #expect(json?["partition"] as? String == "date=2025-01-02")
        #expect(json?["types"] as? [String] == ["date", "float64", "string"])
        let rows = json?["rows"] as? [[Any]]
        #expect(rows?.count == 2)
        #expect(rows?.first?[2] is NSNull, "\(one.stdout)")
        let missing = try runInlet(["show", "s", "--rows", "5", "--partition", "2024-12-31", "--store", store])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no partition 'date=2024-12-31' (partitions: date=2025-01-01, date=2025-01-02)"), "\(missing.stderr)")
    }

    /// Headers that pandas wrote over numbers, whose cells a lenient parser reads as numbers
    /// (`T1`, `-113.8.1`), load as column names over numeric columns.
    @Test func pandasHeadersLoadAsNamesOverNumbers() throws {
        let ints = try write("ints.csv", "rownames,T1,M1,Y1,T2,Z,M2,Y2\n" + (1 ... 50).map { r in
            "\(r)," + (0 ..< 7).map { String((r * 3 + $0) % 10) }.joined(separator: ",") }.joined(separator: "\n") + "\n")
        let names = (0 ..< 1729).map { "-\(113 - $0 % 40).\($0 % 9).1" }
        var text = "rownames," + names.joined(separator: ",") + "\n"
        for r in 1 ... 20 { text += "\"\(r)\"," + (0 ..< 1729).map { String(format: "%.3f", Double($0 % 97 + r) / 7) }.joined(separator: ",") + "\n" }
        let decimals = try write("decimals.csv", text)
        for (file, id, count, type) in [(ints, "ints", 8, "int64"), (decimals, "decimals", 1730, "float64")] {
            let preview = try runInlet(["preview", file, "--rows", "0", "--json"])
            let report = try JSONSerialization.jsonObject(with: Data(preview.stdout.utf8)) as? [String: Any]
            #expect(report?["header"] as? Bool == true, "\(id): \(report?["dialect_reasons"] ?? "")")
            #expect((report?["dialect_reasons"] as? [String])?.last?.hasPrefix("header: ") == true)
            let up = try runInlet(["upload", file, "--dataset-id", id, "--store", store])
            #expect(up.status == 0, "\(up.stderr)")
            let shown = try runInlet(["show", id, "--rows", "1", "--json", "--store", store])
            let json = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
            let columns = json?["columns"] as? [String] ?? []
            #expect(columns.count == count)
            #expect(columns.first == "rownames" && columns[1] == (id == "ints" ? "T1" : "-113.0.1"))
            #expect((json?["types"] as? [String])?.dropFirst().allSatisfy { $0 == type } == true, "\(id)")
        }
    }

    @Test func previewReportsTypesAndWritesNothing() throws {
        let csv = try write("p.csv", "id,when,code\n1,3/14/2025,007\n2,12/31/2025,042\n")
        let r = try runInlet(["preview", csv, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let cols = report?["columns"] as? [[String: Any]]
        #expect(cols?.map { $0["type"] as? String } == ["int64", "date", "string"])
        #expect(cols?[1]["format"] as? String == "MM/DD/YYYY")
        #expect((report?["sample"] as? [[String]])?.first == ["1", "2025-03-14", "007"])
    }

    @Test func cursorUsageLoadsTheRealExportShape() throws {
        let r = try runInlet(["cursor-usage", "--dir", TestEnvironment.packageRoot.appendingPathComponent("Examples").path,
                              "--store", store, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(result?["rows"] as? Int == 400)
        #expect(result?["dataset_id"] as? String == "cursor-usage")
        let files = (result?["files"] as? [[String: Any]])?.compactMap { $0["key"] as? String } ?? []
        #expect(files.allSatisfy { $0.hasPrefix("datasets/cursor-usage/partitions/date=2025-") })
    }
}

extension CLIBehaviourTests {
    @Test func badRowsRejectWritesStructuralAndTypeRejects() throws {
        let csv = try write("r.csv", "id,amount\n1,2.5\n2,3,extra\n3,oops\n4,1.0\n")
        let rejects = dir.appendingPathComponent("r.rejects.csv").path
        let r = try runInlet(["upload", csv, "--dataset-id", "r", "--schema", "amount=float64", "--bad-rows", "reject",
                              "--rejects", rejects, "--store", store, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(result?["rows"] as? Int == 2)
        #expect(result?["bad_rows_rejected"] as? Int == 2)
        let text = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(text.hasPrefix("line,reason,row\n3,"), "\(text)")
        #expect(text.contains("\n4,\"column 'amount'"), "\(text)")
        #expect(text.contains("oops"), "\(text)")

        let skip = try runInlet(["upload", csv, "--dataset-id", "r", "--schema", "amount=float64", "--bad-rows", "skip", "--store", store, "--json"])
        let skipped = try JSONSerialization.jsonObject(with: Data(skip.stdout.utf8)) as? [String: Any]
        #expect(skipped?["bad_rows_skipped"] as? Int == 2, "\(skip.stdout) \(skip.stderr)")
    }
}
