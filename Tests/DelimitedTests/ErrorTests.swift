import Foundation
import Testing
@testable import Delimited

@Suite struct ErrorTests {
    static let twelve = (1...12).map { "c\($0)" }.joined(separator: ",")

    @Test func fieldCountMismatchNamesFileAndLine() throws {
        let rows = (1...12).map(String.init).joined(separator: ",")
        let short = (1...11).map(String.init).joined(separator: ",")
        let text = Self.twelve + "\n" + rows + "\n\"multi\nline\"," + (2...12).map(String.init).joined(separator: ",") + "\n" + short + "\n"
        let path = Fixture.file(text, name: "orders.csv")
        #expect(throws: CSVError(file: path, line: 5, kind: .fieldCount(expected: 12, found: 11))) {
            _ = try Fixture.read(path)
        }
        let message = try #require(Fixture.error(text))
        #expect(message.hasSuffix(".csv:5: expected 12 fields, found 11"))
    }

    @Test func extraFieldIsAnErrorToo() {
        let message = Fixture.error("a,b\n1,2\n1,2,3\n")
        #expect(message?.hasSuffix(":3: expected 2 fields, found 3") == true)
    }

    @Test func unterminatedQuoteIsReportedWhereItOpened() {
        let text = "a,b\n1,2\n3,\"open\nmore\n4,5\n6,7\n"
        #expect(Fixture.error(text)?.hasSuffix(":3: unterminated quoted field (the quote opened on this line never closes)") == true)
        #expect(Fixture.error(text, Fixture.tiny())?.hasSuffix(":3: unterminated quoted field (the quote opened on this line never closes)") == true)
    }

    @Test func overlongRecordStopsWithBoundedMemory() {
        var o = Fixture.tiny(read: 16, block: 32, rows: 4)
        o.maxRecordBytes = 200
        let text = "a,b\n1,2\n3,\"" + String(repeating: "x\n", count: 300) + "\"\n"
        #expect(Fixture.error(text, o)?.hasSuffix(":3: a quoted field opened here is still open after 200 bytes (unterminated quote?)") == true)
        let long = "a,b\n1,2\n3," + String(repeating: "y", count: 400) + "\n"
        #expect(Fixture.error(long, o)?.hasSuffix(":3: a record longer than 200 bytes starts here") == true)
    }

    /// Compressed files, workbooks and binary data are refused by name instead of loading as
    /// one column of ISO-8859-1 garbage.
    @Test func filesThatAreNotTextAreNamed() throws {
        let zstd: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x24, 0x04, 0x21, 0x00]
        // zstd is read through (ZstdInputTests): this lone frame header is a cut file, named so.
        #expect(Fixture.error(bytes: zstd)?.contains("the zstd data ends early") == true, "\(Fixture.error(bytes: zstd) ?? "")")
        let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00] + Array("[Content_Types].xml".utf8)
        #expect(Fixture.error(bytes: zip)?.contains("is a ZIP archive (an .xlsx workbook is one)") == true)
        #expect(Fixture.error(bytes: Array("PAR1".utf8) + [0x15, 0x04, 0x15])?.contains("is a Parquet file") == true)
        // Even with the encoding set: a compressed file is never taken for text.
        var latin1 = CSVOptions()
        latin1.encoding = .latin1
        #expect(Fixture.error(bytes: zstd, latin1)?.contains("the zstd data ends early") == true)
        let nul = Array("a,b\n1,".utf8) + [0x00, 0x01, 0xFF] + Array("\n".utf8)
        #expect(Fixture.error(bytes: nul)?.hasSuffix("the file is binary data (a NUL byte at offset 6), not CSV text; if it is text in another encoding, set it with --encoding") == true)
        // UTF-16 without a BOM is all NULs in its high bytes: still text.
        let utf16 = Array("a,b\n1,2\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(Fixture.error(bytes: utf16) == nil)
    }

    /// A report's title lines above the table: the error says how many lines to skip, and
    /// skipping them reads the table. A row merely wider than its header gets no such hint.
    @Test func titleLinesAboveTheTableAreNamedWithTheSkipThatReadsIt() throws {
        let text = "Sales report\nGenerated 2024-05-01, by the BI tool\n\nid,amount,day\n1,2.5,2024-05-01\n2,3,2024-05-02\n"
        // Line 2 is the first wider than the one-field "header" (its comma makes two fields).
        #expect(Fixture.error(text)?.hasSuffix(":2: expected 1 field, found 2 (the first 3 lines look like a title above the table; skip them with --skip-rows 3)") == true,
                "\(Fixture.error(text) ?? "")")
        var skip = CSVOptions()
        skip.skipRows = 3
        let (reader, parsed) = try Fixture.read(Fixture.file(text), skip)
        #expect(reader.header == ["id", "amount", "day"])
        #expect(parsed.rows.count == 2)
        #expect(Fixture.error("Report\nid,amount\n1,2\n")?.hasSuffix(":2: expected 1 field, found 2 (the first line looks like a title above the table; skip it with --skip-rows 1)") == true)
        #expect(Fixture.error("a,b\n1,2,3\n4,5,6\n")?.hasSuffix(":2: expected 2 fields, found 3") == true)
    }

    @Test func missingFileIsAnIOError() {
        #expect(throws: CSVError.self) { try CSVReader(path: "/nonexistent/inlet.csv") }
    }
}

@Suite struct BadRowPolicyTests {
    static let text = "a,b,c\n1,2,3\n4,5\n6,7,8\n9,\"x\ny\",10,11\n12,13,14\n"

    @Test func skipDropsAndCounts() throws {
        var o = CSVOptions()
        o.badRows = .skip
        for options in [o, Fixture.tiny(o)] {
            let (reader, p) = try Fixture.read(Fixture.file(Self.text), options)
            #expect(p.rows == [["1", "2", "3"], ["6", "7", "8"], ["12", "13", "14"]])
            #expect(p.lines == [2, 4, 7])
            #expect(reader.badRowsSkipped == 2)
            #expect(reader.badRowsRejected == 0)
            #expect(reader.rowsRead == 3)
        }
    }

    @Test func rejectWritesRowsWithLineAndReason() throws {
        let rejects = Fixture.file("", name: "rejects.csv")
        var o = CSVOptions()
        o.badRows = .reject(path: rejects)
        let (reader, p) = try Fixture.read(Fixture.file(Self.text), o)
        #expect(p.rows.count == 3)
        #expect(reader.badRowsRejected == 2)
        try reader.rewind()
        _ = try Fixture.drain(reader)
        #expect(reader.badRowsRejected == 2)
        let written = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(written == "line,reason,row\n3,\"expected 3 fields, found 2\",\"4,5\"\n5,\"expected 3 fields, found 4\",\"9,\"\"x\ny\"\",10,11\"\n")
        // The rejects file is itself valid CSV that this reader reads back.
        let back = try Fixture.read(rejects).1
        #expect(back.header == ["line", "reason", "row"])
        #expect(back.rows[1] == ["5", "expected 3 fields, found 4", "9,\"x\ny\",10,11"])
    }
}

@Suite struct TerminalErrorTests {
    @Test func anErrorEndsThePassUntilRewind() throws {
        var text = "a,b\n"
        for i in 0..<50 { text += "\(i),x\n" }
        text += "bad\n"
        for i in 0..<50 { text += "\(i),y\n" }
        let reader = try CSVReader(path: Fixture.file(text), options: Fixture.tiny(read: 16, block: 16, rows: 4))
        var rows = 0
        var thrown: [String] = []
        while thrown.count < 3 {
            do {
                guard let chunk = try reader.nextChunk() else { break }
                #expect(thrown.isEmpty, "no rows after the error")
                rows += chunk.rowCount
            } catch {
                thrown.append("\(error)")
            }
        }
        // Every row before the bad one is delivered, then the same error on every call.
        #expect(rows == 50)
        #expect(thrown.count == 3 && Set(thrown).count == 1)
        #expect(thrown.first?.hasSuffix(":52: expected 2 fields, found 1") == true)
        try reader.rewind()
        #expect(try reader.nextChunk()?.lines.first == 2)
    }
}
