import Testing
@testable import Delimited

@Suite struct RecordParsingTests {
    @Test func quotedFieldsHoldDelimitersQuotesAndNewlines() throws {
        let p = try Fixture.parse("id,text,n\n1,\"a,b\",2\n2,\"say \"\"hi\"\"\",3\n3,\"two\nlines\",4\n4,\"\",5\n5,,6\n")
        #expect(p.header == ["id", "text", "n"])
        #expect(p.rows == [["1", "a,b", "2"], ["2", "say \"hi\"", "3"], ["3", "two\nlines", "4"], ["4", "", "5"], ["5", nil, "6"]])
        #expect(p.lines == [2, 3, 4, 6, 7])
    }

    @Test func quotedFlagSeparatesEmptyStringFromNull() throws {
        let reader = try CSVReader(path: Fixture.file("a,b\n\"\",\n"))
        let chunk = try #require(try reader.nextChunk())
        #expect(chunk.isQuoted(row: 0, column: 0))
        #expect(!chunk.isQuoted(row: 0, column: 1))
        #expect(chunk.range(row: 0, column: 0).isEmpty && chunk.range(row: 0, column: 1).isEmpty)
        #expect(try reader.nextChunk() == nil)
    }

    @Test func lineEndsCRLFLoneCRAndMixed() throws {
        let crlf = try Fixture.parse("a,b\r\n1,2\r\n3,\"x\r\ny\"\r\n5,6")
        #expect(crlf.rows == [["1", "2"], ["3", "x\r\ny"], ["5", "6"]])
        #expect(crlf.lines == [2, 3, 5])
        let cr = try Fixture.parse("a,b\r1,2\r3,4\r")
        #expect(cr.rows == [["1", "2"], ["3", "4"]])
        #expect(cr.lines == [2, 3])
        let mixed = try Fixture.parse("a,b\n1,2\r\n3,4\r5,6\n")
        #expect(mixed.rows == [["1", "2"], ["3", "4"], ["5", "6"]])
        #expect(mixed.lines == [2, 3, 4])
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let p = try Fixture.parse("\n\na,b\n\n1,2\r\n\r\n\n3,4\n\n")
        #expect(p.header == ["a", "b"])
        #expect(p.rows == [["1", "2"], ["3", "4"]])
        #expect(p.lines == [5, 8])
    }

    @Test func finalLineWithoutNewline() throws {
        #expect(try Fixture.parse("a,b\n1,2").rows == [["1", "2"]])
        #expect(try Fixture.parse("a,b\n1,\"2\"").rows == [["1", "2"]])
        #expect(try Fixture.parse("a,b\n1,").rows == [["1", nil]])
    }

    @Test func utf8BOMIsDropped() throws {
        let p = try Fixture.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("name,n\nx,1\n".utf8))
        #expect(p.header == ["name", "n"])
        #expect(p.rows == [["x", "1"]])
    }

    @Test func strayQuotesInsideUnquotedFieldsAreText() throws {
        let p = try Fixture.parse("size,n\n5\"2,1\n\"a\"b,2\n")
        #expect(p.rows == [["5\"2", "1"], ["ab", "2"]])
    }

    @Test func trailingDelimiterOnEveryRowIsNotAColumn() throws {
        let p = try Fixture.parse("a,b,\n1,2,\n3,4,\n")
        #expect(p.header == ["a", "b"])
        #expect(p.rows == [["1", "2"], ["3", "4"]])
        let reader = try CSVReader(path: Fixture.file("a,b,\n1,2,\n"))
        #expect(reader.dialect.trailingDelimiter)
        #expect(reader.headerRenames.isEmpty)
    }

    @Test func trailingDelimiterOnSomeRowsIsAnEmptyColumn() throws {
        let p = try Fixture.parse("a,b,\n1,2,3\n4,5,\n")
        #expect(p.header == ["a", "b", "column_3"])
        #expect(p.rows == [["1", "2", "3"], ["4", "5", nil]])
    }

    @Test func skipRowsSkipsPhysicalLinesBeforeTheHeader() throws {
        var o = CSVOptions()
        o.skipRows = 2
        let (reader, p) = try Fixture.read(Fixture.file("Report \"Q1\nexported today\nk,v\nx,1\ny,2\n"), o)
        #expect(p.header == ["k", "v"])
        #expect(p.rows == [["x", "1"], ["y", "2"]])
        #expect(p.lines == [4, 5])
        #expect(reader.firstDataLine == 4)
    }

    @Test func rewindYieldsTheSameChunks() throws {
        var text = "id,name\n"
        for i in 0..<500 { text += "\(i),\"n\(i)\nx\"\n" }
        let reader = try CSVReader(path: Fixture.file(text), options: Fixture.tiny(read: 64, block: 200, rows: 7))
        let first = try Fixture.drain(reader)
        #expect(reader.rowsRead == 500)
        try reader.rewind()
        let second = try Fixture.drain(reader)
        #expect(first == second)
        #expect(first.lines.last == 1000)
        #expect(reader.bytesRead == reader.fileSize)
    }

    @Test func headerOnlyFileHasNoRows() throws {
        let p = try Fixture.parse("a,b\n")
        #expect(p.header == ["a", "b"])
        #expect(p.rows.isEmpty)
    }

    @Test func emptyFileIsAnError() {
        let path = Fixture.file("")
        #expect(Fixture.error("") != nil)
        #expect(throws: CSVError(file: path, line: 0, kind: .emptyFile)) { try CSVReader(path: path) }
    }
}
