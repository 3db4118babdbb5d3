import Foundation
import Testing
import Delimited
@testable import Inference

/// The header decision with inference's value rules: a first-row cell is a number or a date only
/// when its column's type accepts it.
@Suite struct HeaderRuleTests {
    /// Reads `text` as a file with the inference rule and returns the dialect and header.
    func open(_ text: String, _ edit: (inout InferenceOptions) -> Void = { _ in }) throws -> CSVReader {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-header-\(UUID().uuidString).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var inference = InferenceOptions()
        edit(&inference)
        var csv = CSVOptions()
        csv.headerRule = InferredHeaderRule(options: inference)
        return try CSVReader(path: path, options: csv)
    }

    func reason(_ r: CSVReader) -> String { r.dialect.reasons.last ?? "" }

    /// Both files that pandas `to_csv` wrote and the lenient rule took for headerless.
    @Test func pandasHeadersOverNumbersAreHeaders() throws {
        let ints = try open("rownames,T1,M1,Y1,T2,Z,M2,Y2\n1,3,4,5,1,0,2,3\n2,4,1,2,3,1,0,9\n3,1,1,1,1,1,1,1\n")
        #expect(ints.dialect.hasHeader, "\(ints.dialect.reasons)")
        #expect(ints.header == ["rownames", "T1", "M1", "Y1", "T2", "Z", "M2", "Y2"])
        #expect(reason(ints) == "header: 'rownames' in column 1 is not an int64 like the 3 values below it")

        let names = (0 ..< 1729).map { "-\(113 - $0 % 50).\($0 % 9).1" }
        var text = "rownames," + names.joined(separator: ",") + "\n"
        for r in 0 ..< 5 { text += "\"r\(r)\"," + (0 ..< 1729).map { String(format: "%.4f", Double($0 * 7 + r) / 13) }.joined(separator: ",") + "\n" }
        let decimals = try open(text)
        #expect(decimals.dialect.hasHeader, "\(decimals.dialect.reasons)")
        #expect(decimals.header.count == 1730 && decimals.header[1] == "-113.0.1")
        #expect(reason(decimals) == "header: '-113.0.1' in column 2 is not a float64 like the 5 values below it")
    }

    /// Cells a lenient parser reads as numbers or dates, over a column whose type rejects them.
    @Test(arguments: [
        ("T1", "5"), ("Z", "5"), ("-113.8.1", "1.25"), ("1e", "5"), ("0x1F", "31"), ("2024.13.45", "2024-01-05"),
        ("Q1", "12"), ("E", "2.5"), ("NaN", "5"), ("NaN", "2.5"), ("inf", "7"), ("\"1,234\"", "5"), ("007", "12"),
        ("1e5", "5"), ("2024-13-45", "2024-01-05"), ("TRUE1", "true"),
    ])
    func lenientLookalikeIsAHeader(cell: String, below: String) throws {
        let r = try open("name,\(cell)\na,\(below)\nb,\(below)\n")
        #expect(r.dialect.hasHeader, "\(cell): \(r.dialect.reasons)")
        let shown = cell.replacingOccurrences(of: "\"", with: "")
        #expect(reason(r).hasPrefix("header: '\(shown)' in column 2 is not a"), "\(reason(r))")
    }

    /// Headerless files keep working: each first row fits its columns.
    @Test(arguments: [
        ("1,alice,2024-01-01\n2,bob,2024-01-02\n", "no header: '1' in column 1 is an int64 like the values below it"),
        ("1.5,x\n2,y\n3,z\n", "no header: '1.5' in column 1 is a number, as the int64 values below it are"),
        ("x,2024-01-01\ny,2024-02-01\n", "no header: '2024-01-01' in column 2 is a date like the values below it"),
        ("NaN,a\n1.5,b\nNaN,c\n", "no header: 'NaN' in column 1 is a float64 like the values below it"),
        ("\"1,234\",a\n\"2,345\",b\n", "no header: '1,234' in column 1 is an int64 like the values below it"),
        (",5\na,6\n", "no header: '5' in column 2 is an int64 like the values below it"),
        ("1,2,3\n", "no header: '1' in column 1 of the first row is an int64"),
        ("x,x\ny,z\n", "no header: every column is text and the first row repeats a value"),
        ("a,2024-01-01T10:00:00Z\nb,2024-01-02T00:00:00Z\n", "no header: '2024-01-01T10:00:00Z' in column 2 is a timestamp[us, UTC] like the values below it"),
    ])
    func headerlessFilesStayHeaderless(text: String, why: String) throws {
        let r = try open(text)
        #expect(!r.dialect.hasHeader, "\(r.dialect.reasons)")
        #expect(reason(r) == why)
        #expect(r.header.first == "column_1")
    }

    @Test func textHeadersOverTextOrNothing() throws {
        #expect(reason(try open("first,last\nada,lovelace\n")) == "header: every column is text and the first row's values are distinct")
        #expect(reason(try open("city,pop\n")) == "header: a single text row")
        let city = try open("city,pop\nOslo,700000\n")
        #expect(city.dialect.hasHeader && reason(city) == "header: 'pop' in column 2 is not an int64 like the value below it")
    }

    /// The null tokens of the load are nulls in the decision too, not header text.
    @Test func nullTokensAreNotEvidence() throws {
        let r = try open("NA,1\n2,3\n4,5\n") { $0.nullValues = ["NA"] }
        #expect(!r.dialect.hasHeader, "\(r.dialect.reasons)")
        #expect(reason(r) == "no header: '1' in column 2 is an int64 like the values below it")
    }
}
