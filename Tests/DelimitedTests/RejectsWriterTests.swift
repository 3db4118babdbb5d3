import Foundation
import Testing
@testable import Delimited

/// The rejects file: written in flushes (no descriptor held between them); a load of many files
/// writes each object's rows naming it and gathers them, quotes, commas and line ends inside
/// fields and all, by appending bytes.
@Suite struct RejectsWriterTests {
    @Test func objectsRowsAreGatheredAsWritten() throws {
        let own = Fixture.file("stale content that the writer replaces\n", name: "one.csv")
        let rows: [(Int, String, String)] = [(3, "expected 2 fields, found 3", "2,b,extra"), (7, "record 7: \"quoted\", cut", "{\"id\": 21,\r\n \"v\":"),
                                             (12, "", ""), (1_000_000, "big", String(repeating: "x,\"\n", count: 40_000))]
        let writer = try RejectsWriter(path: own, object: "s3://b/k \"1\".csv")
        for (line, reason, row) in rows { try writer.write(line: line, reason: reason, row: Array(row.utf8)) }
        try writer.flush()
        #expect(writer.rowsWritten == 4)
        func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let body = rows.map { "\"s3://b/k \"\"1\"\".csv\",\($0.0),\(quoted($0.1)),\(quoted($0.2))\n" }.joined()
        #expect(try String(contentsOfFile: own, encoding: .utf8) == "object,line,reason,row\n" + body)

        let all = Fixture.file("", name: "all.csv")
        let gathered = try RejectsWriter(path: all, objectColumn: true)
        try gathered.appendRecords(of: own)
        try gathered.appendRecords(of: own + ".missing")
        try gathered.appendRecords(of: own)
        #expect(try String(contentsOfFile: all, encoding: .utf8) == "object,line,reason,row\n" + body + body)
    }

    @Test func aSingleFilesRejectsHaveNoObjectColumn() throws {
        let path = Fixture.file("", name: "single.csv")
        let writer = try RejectsWriter(path: path)
        try writer.write(line: 3, reason: "r", row: Array("a,b".utf8))
        try writer.flush()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "line,reason,row\n3,\"r\",\"a,b\"\n")
    }
}
