import Foundation
import Testing
@testable import Delimited

/// A pass's stage runs on the parse threads; its results must come back with their own
/// chunks, typed, in file order, and each pass has its own stage.
@Suite struct StageTests {
    @Test func stageResultsTravelWithTheirChunksInOrder() throws {
        let text = "id,name\n" + (1 ... 5_000).map { "\($0),n\($0)\n" }.joined()
        var options = CSVOptions()
        options.chunkRows = 97
        options.blockByteLimit = 700
        let reader = try CSVReader(path: Fixture.file(text), options: options)
        // The stage sums the ids it sees and keeps the chunk's first line.
        let sums = reader.pass { chunk in
            var sum = 0
            for r in 0 ..< chunk.rowCount {
                sum += Int(String(decoding: chunk.bytes[chunk.range(row: r, column: 0)], as: UTF8.self))!
            }
            return (line: chunk.lines[0], sum: sum)
        }
        var total = 0, chunks = 0, lastLine = 0
        while let (chunk, staged) = try sums.next() {
            #expect(staged.line == chunk.lines[0])
            #expect(staged.line > lastLine)
            lastLine = staged.line
            total += staged.sum
            chunks += 1
        }
        #expect(total == 5_000 * 5_001 / 2)
        #expect(chunks > 10)

        // The next pass has a stage of its own; the reader's counters restart.
        let counts = reader.pass { $0.rowCount }
        var rows = 0
        while let (chunk, staged) = try counts.next() {
            #expect(staged == chunk.rowCount)
            rows += staged
        }
        #expect(rows == 5_000 && reader.rowsRead == 5_000)
    }

    /// Starting a pass ends the one before it: the older pass reads nothing more.
    @Test func aNewPassEndsTheOldOne() throws {
        let text = "id\n" + (1 ... 3_000).map { "\($0)\n" }.joined()
        var options = CSVOptions()
        options.chunkRows = 101
        let reader = try CSVReader(path: Fixture.file(text), options: options)
        let old = reader.pass { $0.rowCount }
        _ = try #require(try old.next())
        let fresh = reader.pass { $0.rowCount }
        #expect(try old.next() == nil)
        var rows = 0
        while let (_, n) = try fresh.next() { rows += n }
        #expect(rows == 3_000)
    }

    /// A pass that needs only the stage's results lets the chunk's buffers go on the parse
    /// thread: the chunks handed out are empty, the rows are still counted.
    @Test func releasedChunksKeepTheirStageResultsAndRowCounts() throws {
        let text = "id\n" + (1 ... 3_000).map { "\($0)\n" }.joined()
        var options = CSVOptions()
        options.chunkRows = 101
        let reader = try CSVReader(path: Fixture.file(text), options: options)
        let pass = reader.pass(CSVPassOptions(releaseChunks: true)) { chunk in chunk.rowCount }
        var staged = 0
        while let (chunk, rows) = try pass.next() {
            #expect(chunk.rowCount == 0)
            staged += rows
        }
        #expect(staged == 3_000)
        #expect(reader.rowsRead == 3_000)
    }

    /// Released chunks' arrays are reused by later parse jobs: every block must still read its
    /// own fields, whether the reused storage was larger or smaller than the block, and with
    /// quotes removed (fewer bytes out than in) next to blocks of plain fields.
    @Test func reusedChunkStorageNeverLeaksIntoLaterBlocks() throws {
        // Row lengths swing between blocks, so a reused array is sometimes too small, sometimes too big.
        let rows = (1 ... 4_000).map { i -> (String, String) in
            let text = i % 7 == 0 ? "say \"\"q\"\", \(i)" : String(repeating: "x", count: (i / 300) % 5 * 40 + i % 3)
            return ("\(i)", text)
        }
        let source = "id,text\n" + rows.map { "\($0.0),\"\($0.1)\"\n" }.joined()
        var options = CSVOptions()
        options.chunkRows = 150
        options.blockByteLimit = 3_000
        let reader = try CSVReader(path: Fixture.file(source), options: options)
        let pass = reader.pass(CSVPassOptions(releaseChunks: true)) { chunk in
            (0 ..< chunk.rowCount).map { [chunk.string(row: $0, column: 0), chunk.string(row: $0, column: 1)] }
        }
        var seen: [[String]] = []
        while let (_, staged) = try pass.next() { seen += staged }
        #expect(seen == rows.map { [$0.0, $0.1.replacingOccurrences(of: "\"\"", with: "\"")] })
    }

    /// The parser writes into a spare chunk's arrays; what it returns matches a fresh parse.
    @Test func parsingIntoASpareChunkMatchesAFreshParse() throws {
        let settings = ParseSettings(delimiter: UInt8(ascii: ","), quote: UInt8(ascii: "\""), columnCount: 2, trailingDelimiter: false,
                                     keepRawBadRows: false, failOnBadRow: false, fileName: "t.csv")
        func parse(_ text: String, reusing spare: FieldChunk) -> FieldChunk {
            let bytes = Array(text.utf8) + [UInt8](repeating: 0, count: scanPadding)
            let lineEnds = text.utf8.filter { $0 == 10 }.count
            return bytes.withUnsafeBufferPointer {
                parseBlock(UnsafeBufferPointer(rebasing: $0[0 ..< text.utf8.count]), startLine: 2, lineEnds: lineEnds,
                           settings: settings, reusing: spare).chunk
            }
        }
        let big = parse((1 ... 200).map { "\($0),\"long \"\"quoted\"\" text \($0)\"\n" }.joined(), reusing: FieldChunk(columnCount: 0))
        let small = "1,\"a\"\"b\"\n2,\n3,c\n"
        for spare in [big, FieldChunk(columnCount: 0)] {
            let chunk = parse(small, reusing: spare)
            #expect(chunk.rowCount == 3)
            #expect(chunk.bytes == Array("1a\"b23c".utf8))
            #expect(chunk.bounds == [0, 1, 4, 5, 5, 6, 7])
            #expect(chunk.flags == [0, 1, 0, 0, 0, 0])
            #expect(chunk.lines == [2, 3, 4])
        }
        let grown = parse((1 ... 300).map { "\($0),t\($0)\n" }.joined(), reusing: parse(small, reusing: FieldChunk(columnCount: 0)))
        #expect(grown.rowCount == 300 && grown.string(row: 299, column: 1) == "t300")
    }
}
