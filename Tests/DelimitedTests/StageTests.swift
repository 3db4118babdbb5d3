import Foundation
import Testing
@testable import Delimited

/// A pass's stage runs on the parse threads; its results must come back with their own
/// chunks, in file order, and a rewind may change the stage.
@Suite struct StageTests {
    @Test func stageResultsTravelWithTheirChunksInOrder() throws {
        let text = "id,name\n" + (1 ... 5_000).map { "\($0),n\($0)\n" }.joined()
        var options = CSVOptions()
        options.chunkRows = 97
        options.blockByteLimit = 700
        let reader = try CSVReader(path: Fixture.file(text), options: options)
        // The stage sums the ids it sees and keeps the chunk's first line.
        reader.stage = { chunk in
            var sum = 0
            for r in 0 ..< chunk.rowCount {
                sum += Int(String(decoding: chunk.bytes[chunk.range(row: r, column: 0)], as: UTF8.self))!
            }
            return (chunk.lines[0], sum)
        }
        var total = 0, chunks = 0, lastLine = 0
        while let (chunk, staged) = try reader.nextStagedChunk() {
            let (line, sum) = try #require(staged as? (Int, Int))
            #expect(line == chunk.lines[0])
            #expect(line > lastLine)
            lastLine = line
            total += sum
            chunks += 1
        }
        #expect(total == 5_000 * 5_001 / 2)
        #expect(chunks > 10)

        reader.stage = nil
        try reader.rewind()
        var rows = 0
        while let (chunk, staged) = try reader.nextStagedChunk() {
            #expect(staged == nil)
            rows += chunk.rowCount
        }
        #expect(rows == 5_000)
    }

    /// A pass that needs only the stage's results lets the chunk's buffers go on the parse
    /// thread: the chunks handed out are empty, the rows are still counted.
    @Test func releasedChunksKeepTheirStageResultsAndRowCounts() throws {
        let text = "id\n" + (1 ... 3_000).map { "\($0)\n" }.joined()
        var options = CSVOptions()
        options.chunkRows = 101
        let reader = try CSVReader(path: Fixture.file(text), options: options)
        reader.stage = { chunk in chunk.rowCount }
        reader.releaseStagedChunks = true
        var staged = 0
        while let (chunk, rows) = try reader.nextStagedChunk() {
            #expect(chunk.rowCount == 0)
            staged += try #require(rows as? Int)
        }
        #expect(staged == 3_000)
        #expect(reader.rowsRead == 3_000)
    }
}
