import Foundation
import Testing
@testable import Delimited

/// A second pass over an unchanged UTF-8 file reads the blocks the first pass cut, without
/// validating or splitting again; it must give exactly the same rows, lines and bad rows,
/// and must not trust a file that changed.
@Suite struct ReplayTests {
    func options() -> CSVOptions {
        var o = CSVOptions()
        o.chunkRows = 53
        o.blockByteLimit = 600
        o.readSize = 256
        o.maxInFlight = 1
        o.badRows = .skip
        o.skipRows = 1
        return o
    }

    /// A fixture whose modification time lies in the past, so a rewrite is seen even when it
    /// falls in the same coarse file-system clock tick as the file's creation.
    func agedFile(_ text: String) throws -> String {
        let path = Fixture.file(text)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000_000)], ofItemAtPath: path)
        return path
    }

    /// Rewrites the file's bytes in place (same inode, as an editor or exporter appending
    /// would), so a reader's open descriptor sees the change.
    func overwriteInPlace(_ path: String, _ text: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    /// Every row's fields and line, in order, and the rows the policy skipped.
    func pass(_ reader: CSVReader) throws -> (rows: [[String]], lines: [Int], skipped: Int) {
        var rows: [[String]] = [], lines: [Int] = []
        while let chunk = try reader.nextChunk() {
            for r in 0 ..< chunk.rowCount {
                rows.append((0 ..< chunk.columnCount).map { String(decoding: chunk.bytes[chunk.range(row: r, column: $0)], as: UTF8.self) })
                lines.append(chunk.lines[r])
            }
        }
        return (rows, lines, reader.badRowsSkipped)
    }

    // A BOM, a preamble line, quoted fields with line ends inside, multibyte text, a short row.
    let text = "\u{FEFF}report of today\nid,note\n" + (1 ... 400).map { i in
        i % 37 == 0 ? "\(i)\n" : i % 11 == 0 ? "\(i),\"multi\nline, \"\"quoted\"\" é\"\n" : "\(i),naïve 東京 \(i)\n"
    }.joined()

    @Test func theSecondPassReplaysTheFirstExactly() throws {
        let reader = try CSVReader(path: Fixture.file(text), options: options())
        let first = try pass(reader)
        #expect(!reader.lastPassReplayed)
        try reader.rewind()
        let second = try pass(reader)
        #expect(reader.lastPassReplayed)
        #expect(first.rows.count == 400 - 400 / 37)
        #expect(first.skipped == 400 / 37)
        #expect(second.rows == first.rows)
        #expect(second.lines == first.lines)
        #expect(second.skipped == first.skipped)
        #expect(first.lines.first == 3)
    }

    @Test func aFileChangedBetweenPassesIsReadAfresh() throws {
        let path = try agedFile(text)
        let reader = try CSVReader(path: path, options: options())
        _ = try pass(reader)
        // Same size, other bytes (and a new modification time): the old cuts no longer apply.
        let changed = text.replacingOccurrences(of: "東京", with: "tokyo ")
        #expect(changed.utf8.count == text.utf8.count)
        try overwriteInPlace(path, changed)
        try reader.rewind()
        let second = try pass(reader)
        #expect(!reader.lastPassReplayed)
        #expect(second.rows.allSatisfy { !$0.joined().contains("東京") })
        #expect(second.rows.contains { $0.joined().contains("tokyo") })
    }

    @Test func aFileChangedDuringTheReplayIsAnError() throws {
        let path = try agedFile(text)
        let reader = try CSVReader(path: path, options: options())
        _ = try pass(reader)
        try reader.rewind()
        // The replay has started (and, one block in flight at a time, cannot have finished).
        _ = try #require(try reader.nextChunk())
        try overwriteInPlace(path, text.replacingOccurrences(of: "東京", with: "tokyo "))
        #expect {
            while try reader.nextChunk() != nil {}
        } throws: { error in
            "\(error)".contains("changed while it was being read") && "\(error)".contains(path)
        }
    }

    /// Only UTF-8 that had to be valid decodes to the file's own bytes; other encodings cut afresh.
    @Test func otherEncodingsAreNotReplayed() throws {
        var o = options()
        o.skipRows = 0
        o.encoding = .windows1252
        let reader = try CSVReader(path: Fixture.file(Array("id,name\n1,caf\u{E9}\n2,x\n".unicodeScalars.map { UInt8($0.value) })), options: o)
        _ = try pass(reader)
        try reader.rewind()
        let second = try pass(reader)
        #expect(!reader.lastPassReplayed)
        #expect(second.rows == [["1", "café"], ["2", "x"]])
    }
}
