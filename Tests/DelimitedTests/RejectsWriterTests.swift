import Foundation
import Testing
@testable import Delimited

/// The rejects file: written in flushes (no descriptor held between them), and read back record
/// by record by the files source, quotes, commas and line ends inside fields and all.
@Suite struct RejectsWriterTests {
    @Test func recordsReadBackAsWritten() throws {
        let path = Fixture.file("stale content that the writer replaces\n", name: "rejects.csv")
        let written: [(Int, String, String)] = [(3, "expected 2 fields, found 3", "2,b,extra"), (7, "record 7: \"quoted\", cut", "{\"id\": 21,\r\n \"v\":"),
                                                (12, "", ""), (1_000_000, "big", String(repeating: "x,\"\n", count: 40_000))]
        let writer = try RejectsWriter(path: path)
        for (line, reason, row) in written { try writer.write(line: line, reason: reason, row: Array(row.utf8)) }
        try writer.flush()
        var read: [(Int, String, String)] = []
        try RejectsWriter.records(at: path) { read.append(($0, $1, String(decoding: $2, as: UTF8.self))) }
        #expect(read.map(\.0) == written.map(\.0) && read.map(\.1) == written.map(\.1) && read.map(\.2) == written.map(\.2))

        let many = Fixture.file("", name: "all.csv")
        let all = try RejectsWriter(path: many, objectColumn: true)
        try all.write(object: "s3://b/k \"1\".csv", line: 3, reason: "r", row: Array("a,b".utf8))
        try all.flush()
        #expect(try String(contentsOfFile: many, encoding: .utf8) == "object,line,reason,row\n\"s3://b/k \"\"1\"\".csv\",3,\"r\",\"a,b\"\n")
    }
}
