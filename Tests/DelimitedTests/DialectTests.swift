import Testing
@testable import Delimited

@Suite struct DialectTests {
    @Test(arguments: [(UInt8(0x2C), ","), (0x3B, ";"), (0x09, "\t"), (0x7C, "|")])
    func detectsDelimiter(byte: UInt8, text: String) throws {
        let csv = ["name\(text)amount\(text)when", "\"a\(text)b\"\(text)15\(text)2024-01-02", "c\(text)2\(text)2024-01-03"]
            .joined(separator: "\n") + "\n"
        let (reader, p) = try Fixture.read(Fixture.file(csv))
        #expect(reader.dialect.delimiter == byte)
        #expect(reader.dialect.hasHeader)
        #expect(p.header == ["name", "amount", "when"])
        #expect(p.rows[1] == ["c", "2", "2024-01-03"])
        #expect(p.rows[0][0] == "a\(text)b")
    }

    @Test func detectsSingleQuote() throws {
        let (reader, p) = try Fixture.read(Fixture.file("a;b\n'x;y';1\n'it''s';2\n"))
        #expect(reader.dialect.delimiter == 0x3B)
        #expect(reader.dialect.quote == 0x27)
        #expect(p.rows == [["x;y", "1"], ["it's", "2"]])
    }

    @Test func doubleQuoteIsPreferredOnATie() throws {
        let reader = try CSVReader(path: Fixture.file("a,b\n1,2\n"))
        #expect(reader.dialect.quote == 0x22)
        #expect(reader.dialect.reasons.first == "delimiter ',': 2 sampled rows have 2 fields")
    }

    /// Without a rule from inference, the reader judges the first row by its text alone.
    @Test func textRuleIsTheFallback() throws {
        let reader = try CSVReader(path: Fixture.file("1,alice\n2,bob\n"))
        #expect(reader.dialect.hasHeader)
        #expect(reader.dialect.reasons.last == "header: the first row's values are distinct")
        var o = CSVOptions()
        o.headerRule = FirstRowIsData()
        let (ruled, p) = try Fixture.read(Fixture.file("1,alice,2024-01-01\n2,bob,2024-01-02\n"), o)
        #expect(!ruled.dialect.hasHeader)
        #expect(ruled.dialect.reasons.last == "no header: test rule saw 2 rows of 3 fields")
        #expect(p.header == ["column_1", "column_2", "column_3"])
        #expect(p.rows.count == 2)
        #expect(p.lines == [1, 2])
    }

    /// A trailing delimiter's empty field never reaches the rule.
    @Test func ruleSeesRowsWithoutTheTrailingField() throws {
        var o = CSVOptions()
        o.headerRule = FirstRowIsData()
        let reader = try CSVReader(path: Fixture.file("1,a,\n2,b,\n3,c,\n"), options: o)
        #expect(reader.dialect.reasons.last == "no header: test rule saw 3 rows of 2 fields")
    }

    @Test func allTextWithRepeatedFirstRowIsData() throws {
        let reader = try CSVReader(path: Fixture.file("x,x\ny,z\n"))
        #expect(!reader.dialect.hasHeader)
        #expect(reader.dialect.reasons.last == "no header: the first row repeats a value")
        let distinct = try CSVReader(path: Fixture.file("first,last\nada,lovelace\n"))
        #expect(distinct.dialect.hasHeader)
    }

    @Test func overridesWin() throws {
        var o = CSVOptions()
        o.delimiter = 0x3B
        o.quote = 0x27
        o.hasHeader = false
        let (reader, p) = try Fixture.read(Fixture.file("a,b;'c;d'\n"), o)
        #expect(reader.dialect.delimiter == 0x3B && reader.dialect.quote == 0x27 && !reader.dialect.hasHeader)
        #expect(p.rows == [["a,b", "c;d"]])
        #expect(reader.dialect.reasons == ["delimiter ';' set by --delimiter", "quote ''' set by --quote", "no header row (--no-header)"])
        o = CSVOptions()
        o.hasHeader = true
        let forced = try Fixture.parse("1,2\n3,4\n", o)
        #expect(forced.header == ["1", "2"])
        #expect(forced.rows == [["3", "4"]])
    }
}

@Suite struct HeaderNameTests {
    @Test func emptyAndDuplicateNamesAreRenamedAndReported() throws {
        var o = CSVOptions()
        o.hasHeader = true   // repeated names: the text rule alone would call this row data
        let reader = try CSVReader(path: Fixture.file("id,,name,name,\"\",name,name_2\n1,2,3,4,5,6,7\n"), options: o)
        #expect(reader.header == ["id", "column_2", "name", "name_3", "column_5", "name_4", "name_2"])
        #expect(reader.headerRenames == [
            HeaderRename(position: 2, original: "", renamed: "column_2"),
            HeaderRename(position: 4, original: "name", renamed: "name_3"),
            HeaderRename(position: 5, original: "", renamed: "column_5"),
            HeaderRename(position: 6, original: "name", renamed: "name_4"),
        ])
    }

    @Test func generatedNamesAvoidExistingOnes() {
        let (names, renames) = finalizeHeader(["column_2", "", "a", "a"])
        #expect(names == ["column_2", "column_2_2", "a", "a_2"])
        #expect(renames.count == 2)
    }
}

/// Calls every first row data and says what it was shown.
struct FirstRowIsData: HeaderRule {
    func decide(_ rows: [SampledRow]) -> (isHeader: Bool, reason: String) {
        (false, "no header: test rule saw \(rows.count) rows of \(rows.first?.fields.count ?? 0) fields")
    }
}
