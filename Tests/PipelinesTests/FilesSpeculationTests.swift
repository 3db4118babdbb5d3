import Columnar
import Connectors
import Foundation
import Lake
import ObjectStore
import Parquet
import Pipelines
import Testing

/// A files source writes while pass 1 still reads (`INLET_FILES_SPECULATION=always`; `auto`
/// does for S3 loads the network bounds): under the types of its first objects (the first
/// 1/16 of the input), checked against every object folded after them. An object that
/// changes them ends the attempt; the next converts under the types up to that object, and
/// after the last attempt pass 2 waits for pass 1. Whichever way, the dataset is the one the
/// types of every object give, with each row once.
@Suite struct FilesSpeculationTests {
    let root = NSTemporaryDirectory() + "inlet-speculation-\(UUID().uuidString)"
    var landing: String { root + "/landing" }
    var lake: String { root + "/lake" }

    init() throws { try FileManager.default.createDirectory(atPath: root + "/landing", withIntermediateDirectories: true) }

    /// Writes `files` NDJSON files of `rows` records each (ids 0 ..< files * rows); `extra(file,
    /// id)` adds fields (as JSON text) to a record.
    func writeJSON(files: Int, rows: Int, extra: (Int, Int) -> String = { _, _ in "" }) throws {
        for f in 0 ..< files {
            var text = ""
            for r in 0 ..< rows {
                let id = f * rows + r
                text += "{\"id\": \(id), \"amount\": \(id), \"name\": \"n\(id)\"\(extra(f, id))}\n"
            }
            try text.write(toFile: landing + String(format: "/f-%02d.jsonl", f), atomically: true, encoding: .utf8)
        }
    }

    /// The load of `landing/*.<ext>`, with the `-v` lines it told. `speculation`: the
    /// `INLET_FILES_SPECULATION` it runs with (`always`: local files speculate too).
    func load(_ ext: String, speculation: String = "always", _ configure: (inout FilesSettings) -> Void = { _ in }) async throws -> (JobOutcome, [String]) {
        var settings = FilesSettings(urls: [landing + "/*." + ext])
        configure(&settings)
        let lines = Lines()
        let events = LoadEvents(source: SourceEvents(detail: { lines.add($0) }))
        let source = FilesSource(settings: settings, environment: ["INLET_FILES_SPECULATION": speculation])
        let job = LoadJob(dataset: try DatasetID("spec"), source: source)
        let outcome = try await job.run(store: LocalStore(root: lake), events: events)
        return (outcome, lines.all)
    }

    /// The dataset's rows as its data file holds them: the schema and each row's values by column name.
    func rows() throws -> (Schema, [[String: Value]]) {
        let folder = lake + "/datasets/spec/data"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".parquet") }.sorted()
        var schema: Schema?
        var out: [[String: Value]] = []
        for file in files {
            let reader = try ParquetFileReader(path: folder + "/" + file)
            schema = Schema(reader.schema.fields)
            for batch in try reader.readAll() {
                for i in 0 ..< batch.rowCount {
                    var row: [String: Value] = [:]
                    for (f, c) in zip(reader.schema.fields, batch.columns) { row[f.name] = c.value(at: i) }
                    out.append(row)
                }
            }
        }
        return (try #require(schema), out)
    }

    func type(_ schema: Schema, _ name: String) -> DataType? { schema.fields.first { $0.name == name }?.type }

    func ids(_ rows: [[String: Value]]) -> [Int64] {
        rows.compactMap { if case let .int(v)? = $0["id"] { return v } else { return nil } }.sorted()
    }

    @Test func typesThatHoldAreWrittenInOnePass() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeJSON(files: 20, rows: 50)
        let (outcome, lines) = try await load("jsonl")
        #expect(outcome.passes == 1)
        #expect(lines.contains { $0.hasPrefix("writing under the types of the first objects") })
        #expect(!lines.contains { $0.contains("types changed") })
        let (schema, rows) = try rows()
        #expect(ids(rows) == (0 ..< 1000).map(Int64.init))
        #expect(schema.fields.map(\.name) == ["id", "amount", "name"])
        #expect(rows.first { $0["id"] == .int(777) }?["name"] == .string("n777"))
    }

    @Test func localFilesAndNeverFollowPassOne() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeJSON(files: 20, rows: 50)
        // Local files: the cores bound the load, not the reads (auto).
        for mode in ["auto", "never", ""] {
            let (outcome, lines) = try await load("jsonl", speculation: mode)
            #expect(outcome.passes == 1)
            #expect(!lines.contains { $0.hasPrefix("writing under the types") }, "\(mode): \(lines)")
            #expect(ids(try rows().1) == (0 ..< 1000).map(Int64.init))
        }
        await #expect(throws: InvalidSetting.self) { try await load("jsonl", speculation: "sometimes") }
    }

    @Test func anObjectThatWidensATypeStartsTheNextAttempt() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeJSON(files: 20, rows: 50)
        // File 10's amounts have decimals: the column is not an integer after it.
        var text = ""
        for id in 500 ..< 550 { text += "{\"id\": \(id), \"amount\": \(id).5, \"name\": \"n\(id)\"}\n" }
        try text.write(toFile: landing + "/f-10.jsonl", atomically: true, encoding: .utf8)

        let (outcome, lines) = try await load("jsonl")
        #expect(outcome.passes == 2)
        let miss = try #require(lines.first { $0.contains("types changed") })
        #expect(miss.contains("f-10.jsonl") && miss.contains("'amount'"))
        #expect(lines.contains { $0.hasPrefix("attempt 2 of 3") })
        let (schema, rows) = try rows()
        #expect(ids(rows) == (0 ..< 1000).map(Int64.init))
        #expect(type(schema, "amount") == .float64)
        // An early file's amount, written by the attempt that held, under the wider type.
        #expect(rows.first { $0["id"] == .int(3) }?["amount"] == .float(3))
        #expect(rows.first { $0["id"] == .int(503) }?["amount"] == .float(503.5))
    }

    @Test func afterTheLastAttemptPassTwoWaitsForPassOne() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Files 5, 8, 11 and 14 each bring a column: three attempts end, the fourth pass is pass 2.
        let bringing = [5, 8, 11, 14]
        try writeJSON(files: 20, rows: 50) { f, id in bringing.contains(f) ? ", \"c\(f)\": \(id)" : "" }
        let (outcome, lines) = try await load("jsonl")
        #expect(outcome.passes == 4)
        #expect(lines.filter { $0.contains("types changed") }.count == 3)
        #expect(lines.contains { $0 == "writing again under every object's types once all are read" })
        let (schema, rows) = try rows()
        #expect(ids(rows) == (0 ..< 1000).map(Int64.init))
        #expect(schema.fields.map(\.name) == ["id", "amount", "name", "c5", "c8", "c11", "c14"])
        for f in bringing {
            let filled = rows.filter { $0["c\(f)"] != .null }.compactMap { r -> Int64? in if case let .int(v)? = r["id"] { v } else { nil } }
            #expect(filled.sorted() == (f * 50 ..< f * 50 + 50).map(Int64.init), "column c\(f)")
        }
    }

    @Test func csvObjectsWidenByTheWholeColumnRules() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Whole quantities, then a file with halves: the column is a double after it.
        for f in 0 ..< 16 {
            var text = "id,qty\n"
            for r in 0 ..< 40 { text += "\(f * 40 + r),\(r)\(f == 9 && r == 7 ? ".5" : "")\n" }
            try text.write(toFile: landing + String(format: "/p-%02d.csv", f), atomically: true, encoding: .utf8)
        }
        let (outcome, lines) = try await load("csv")
        #expect(outcome.passes == 2)
        #expect(lines.contains { $0.contains("types changed") && $0.contains("p-09.csv") && $0.contains("'qty'") })
        let (schema, rows) = try rows()
        #expect(rows.count == 640)
        #expect(type(schema, "qty") == .float64)
        #expect(rows.first { $0["id"] == .int(3) }?["qty"] == .float(3))
        #expect(rows.first { $0["id"] == .int(367) }?["qty"] == .float(7.5))
    }

    @Test func rejectedRowsAreNotSpeculatedOn() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeJSON(files: 20, rows: 50)
        try "{\"id\": 5000, \"amount\": \n".write(toFile: landing + "/f-03.jsonl", atomically: true, encoding: .utf8)
        let (outcome, lines) = try await load("jsonl") { settings in
            settings.json.badRows = .reject(path: self.root + "/rejects.jsonl")
        }
        #expect(outcome.passes == 1)
        #expect(!lines.contains { $0.hasPrefix("writing under the types of the first objects") })
        #expect(try rows().1.count == 950)
    }
}

/// The `-v` lines, from any thread.
private final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
