import Columnar
import Delimited
import Foundation
import Inference
import Connectors
import Testing

/// `OnePassCSVSource` against the two passes of `CSVSource` on the same file: it must give
/// the same batches when the first chunk's types hold, and otherwise hand over to pass 2
/// (or let an error stand) exactly where the two passes would.
@Suite final class OnePassCSVSourceTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-onepass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: dir) }

    func write(_ text: String) throws -> String {
        let path = dir.appendingPathComponent("\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// 50-row chunks, so a few hundred rows make several.
    func csv(_ edit: (inout CSVOptions) -> Void = { _ in }) -> CSVOptions {
        var o = CSVOptions()
        o.chunkRows = 50
        edit(&o)
        return o
    }

    func drain(_ source: some BatchSource) throws -> [RecordBatch] {
        var source = source
        var out: [RecordBatch] = []
        while let b = try source.next() { out.append(b) }
        return out
    }

    func twoPass(_ path: String, _ csv: CSVOptions, _ inference: InferenceOptions = .init()) throws -> (Schema, [RecordBatch]) {
        let s = try CSVSource(path: path, csv: csv, inference: inference)
        return (s.schema, try drain(s))
    }

    /// Rows `0..<rows`: an int, a fraction, a date, a text with a comma; `late` replaces row `at`.
    func table(rows: Int, late: (at: Int, line: String)? = nil) -> String {
        var text = "id,amount,day,note\n"
        for i in 0 ..< rows {
            if let late, late.at == i { text += late.line + "\n"; continue }
            text += "\(i),\(i % 97).5,2025-01-\(String(format: "%02d", i % 28 + 1)),\"n, \(i % 13)\"\n"
        }
        return text
    }

    @Test func whenTheFirstChunksTypesHoldOnePassGivesTheTwoPassBatches() throws {
        let path = try write(table(rows: 430))
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        let seen = Counter()
        let one = try OnePassCSVSource(path: path, csv: csv(), inference: .init(), fileBytes: { seen.add($0.count) })
        #expect(one.sampleRows == 50)
        let batches = try drain(one)
        let (schema, expected) = try twoPass(path, csv())
        #expect(one.schema == schema)
        #expect(one.inference.schema == schema)
        #expect(schema.fields.map(\.type) == [.int64, .float64, .date, .string])
        #expect(batches == expected)
        #expect(batches.map(\.rowCount).reduce(0, +) == 430)
        #expect(seen.value == size, "one pass reads the file once, and the hook sees all of it")
        #expect(try one.settle(after: CancellationError()) == nil, "an error after the end stands")
    }

    @Test func aTypeThatChangesAfterTheFirstChunkIsAMissAndPassTwoGivesTheTwoPassBatches() throws {
        // Row 170 is in the fourth chunk: `id` stops being an int64 there.
        let path = try write(table(rows: 300, late: (170, "x170,1.5,2025-01-01,late")))
        let one = try OnePassCSVSource(path: path, csv: csv(), inference: .init())
        #expect(one.schema.fields[0].type == .int64)
        var batches = 0
        let miss: OnePassMiss
        do {
            while try one.next() != nil { batches += 1 }
            Issue.record("the pass ended without noticing the change")
            return
        } catch let e as OnePassMiss { miss = e }
        #expect(batches == 3, "the chunks before the change convert")
        #expect(miss.reason.contains("column 'id' int64 → string"), "\(miss)")
        let whole = try #require(try one.settle(after: miss))
        #expect(whole.schema.fields[0].type == .string)
        #expect(whole.report.columns[0].fallbackLine == 172)
        #expect(one.changedColumns(whole).map(\.name) == ["id"])
        let (schema, expected) = try twoPass(path, csv())
        let second = try one.secondPass(whole)
        #expect(second.schema == schema)
        #expect(try drain(second) == expected)
    }

    @Test func anErrorMetBeforeTheEndStandsOnlyIfTheTypesHoldOverTheWholeFile() throws {
        struct StoreDown: Error {}
        // The load fails after two batches; the types then hold: the error is the outcome.
        let steady = try write(table(rows: 300))
        let one = try OnePassCSVSource(path: steady, csv: csv(), inference: .init())
        _ = try one.next(); _ = try one.next()
        #expect(try one.settle(after: StoreDown()) == nil)
        #expect(one.inference.report == (try CSVSource(path: steady, csv: csv(), inference: .init())).inference.report)
        // Same failure, but the file's `day` column turns out not to be dates: pass 2 under the
        // whole file's types decides (the error may have come from the tentative ones).
        let changing = try write(table(rows: 300, late: (260, "260,1.5,soon,late")))
        let two = try OnePassCSVSource(path: changing, csv: csv(), inference: .init())
        _ = try two.next()
        let whole = try #require(try two.settle(after: StoreDown()))
        #expect(whole.schema.fields[2].type == .string)
    }

    @Test func aBadValueInADeclaredColumnFailsAsInTwoPasses() throws {
        var inference = InferenceOptions()
        inference.schemaOverrides = ["amount": .int64]
        let path = try write(table(rows: 200))  // "0.5" cannot be an int64
        let one = try OnePassCSVSource(path: path, csv: csv(), inference: inference)
        var thrown: Error?
        do { _ = try drain(one) } catch { thrown = error }
        let error = try #require(thrown as? ConversionError)
        #expect(error.line == 2 && error.columnName == "amount")
        #expect(try one.settle(after: error) == nil, "the types hold: the error stands")
        #expect(throws: ConversionError.self) { try self.twoPass(path, self.csv(), inference) }
    }

    @Test func aMalformedRowAfterAMissIsThrownByTheInferenceThatReadsOn() throws {
        // The change at row 120 stops the one-pass load; the ragged row at 250 is what pass 1
        // of the two passes would have stopped on.
        var text = table(rows: 300, late: (120, "x,1.5,2025-01-01,late"))
        text = text.replacingOccurrences(of: "\n250,", with: "\n250,1,")
        let path = try write(text)
        let one = try OnePassCSVSource(path: path, csv: csv(), inference: .init())
        var thrown: Error?
        do { _ = try drain(one) } catch { thrown = error }
        #expect(thrown is OnePassMiss)
        #expect(throws: CSVError.self) { _ = try one.settle(after: thrown!) }
        #expect(throws: CSVError.self) { _ = try CSVSource(path: path, csv: self.csv(), inference: .init()) }
    }

    @Test func skippedRowsAreCountedOnceWhetherOrNotPassTwoFollows() throws {
        var text = table(rows: 300, late: (200, "x,1.5,2025-01-01,late"))
        text = text.replacingOccurrences(of: "\n40,", with: "\n40,1,")  // ragged
        let path = try write(text)
        let options = csv { $0.badRows = .skip }
        let one = try OnePassCSVSource(path: path, csv: options, inference: .init())
        var thrown: Error?
        do { _ = try drain(one) } catch { thrown = error }
        let whole = try #require(try one.settle(after: thrown!))
        let second = try one.secondPass(whole)
        let rows = try drain(second).map(\.rowCount).reduce(0, +)
        #expect(rows == 299)
        #expect(one.reader.badRowsSkipped == 1)
    }

    @Test func aTotalsRowAtTheEndIsPartOfTheTentativeTypes() throws {
        // The last 200 bytes hold the totals row: `id` is a string from the start, no miss.
        let path = try write(table(rows: 300) + "Total,12345.5,2025-01-01,all\n")
        let one = try OnePassCSVSource(path: path, csv: csv(), inference: .init(), tailBytes: 200)
        #expect(one.schema.fields[0].type == .string)
        let batches = try drain(one)
        let (schema, expected) = try twoPass(path, csv())
        #expect(one.schema == schema)
        #expect(batches == expected)
        // Without the tail, the same file is a miss at the last chunk.
        let blind = try OnePassCSVSource(path: path, csv: csv(), inference: .init(), tailBytes: 0)
        #expect(throws: OnePassMiss.self) { _ = try self.drain(blind) }
    }

    @Test func aTailThatStartsInsideAQuotedFieldIsOnlyAGuess() throws {
        // Quoted fields spanning lines: the tail's first line end may be inside one, and its rows
        // are then misread (here as a 1-field row: no sample) or wrong. The load still equals two passes.
        var text = "id,note\n"
        for i in 0 ..< 400 { text += "\(i),\"line one\nline, two \(i)\"\n" }
        let path = try write(text)
        for tail in [7, 30, 61, 150, 600] {
            let one = try OnePassCSVSource(path: path, csv: csv(), inference: .init(), tailBytes: tail)
            var batches: [RecordBatch] = []
            do { batches = try drain(one) } catch let miss as OnePassMiss {
                batches = try drain(try one.secondPass(try #require(try one.settle(after: miss))))
            }
            #expect(batches == (try twoPass(path, csv())).1, "tail \(tail)")
        }
        let reader = try CSVReader(path: path, options: csv())
        #expect(reader.tailSample(bytes: 1 << 20) == nil, "longer than the file")
        let latin = dir.appendingPathComponent("latin.csv").path
        try Data("a,b\n".utf8 + [UInt8](repeating: 0x61, count: 300) + [0x2C, 0xE9, 0x0A]).write(to: URL(fileURLWithPath: latin))
        var latinOptions = csv()
        latinOptions.encoding = .windows1252
        #expect(try CSVReader(path: latin, options: latinOptions).tailSample(bytes: 10) == nil, "not UTF-8")
    }
}

/// Bytes seen by a hook on the reading thread.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add(_ k: Int) { lock.lock(); n += k; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
