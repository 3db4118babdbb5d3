import Columnar
import Testing
import JSON

/// The layout comes from the first byte and, after '{', from whether the first line is a whole
/// object; the text is read in small pieces until that is known, up to a megabyte.
@Suite struct LayoutDetectionTests {
    /// A first record far longer than one piece, then more lines: NDJSON.
    @Test func aLongFirstLineIsNDJSON() throws {
        let long = "{\"s\": \"" + String(repeating: "x", count: 200_000) + "\", \"n\": 1}"
        let rows = try load(long + "\n{\"s\": \"y\", \"n\": 2}\n").rows
        #expect(rows.count == 2 && rows[1] == [.string("y"), .int(2)])
    }

    /// Whitespace longer than a piece before a pretty-printed document: one record.
    @Test func aDocumentAfterMuchWhitespace() throws {
        let rows = try load(String(repeating: " \n", count: 50_000) + "{\n  \"n\": 1,\n  \"m\": [2, 3]\n}\n").rows
        #expect(rows == [[.int(1), .list([.int(2), .int(3)])]])
    }

    /// An array of records after much whitespace.
    @Test func anArrayAfterMuchWhitespace() throws {
        let rows = try load(String(repeating: "\n", count: 100_000) + "[{\"n\": 1}, {\"n\": 2}]").rows
        #expect(rows == [[.int(1)], [.int(2)]])
    }

    @Test func emptyAndBlankFilesAreNamed() {
        #expect(jsonError("")?.message.contains("the file is empty") == true)
        #expect(jsonError(String(repeating: " \n", count: 40_000))?.message.contains("the file holds only whitespace") == true)
    }
}
