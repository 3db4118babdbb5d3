import Columnar
import Delimited
import Foundation
import Testing
@testable import Inference

@Suite struct NullTests {
    @Test func emptyUnquotedIsNullQuotedEmptyIsEmptyString() throws {
        var c = FieldChunk(columnCount: 1)
        c.appendRow([(Array("a".utf8), false)], line: 2)
        c.appendRow([([], false)], line: 3)
        c.appendRow([([], true)], line: 4)
        var s = InferenceState(columnNames: ["c"], options: InferenceOptions())
        s.observe(c)
        let r = s.finish()
        #expect(r.report.columns[0].type == "string" && r.report.columns[0].nullCount == 1)
        let v = try BatchConverter(result: r, fileName: "t.csv").convert(c).batch.columns[0].values
        #expect(v == [.string("a"), .null, .string("")])
    }

    @Test func quotedEmptyIsNullInTypedColumn() throws {
        var c = FieldChunk(columnCount: 1)
        c.appendRow([(Array("5".utf8), false)], line: 2)
        c.appendRow([([], true)], line: 3)
        c.appendRow([([], false)], line: 4)
        var s = InferenceState(columnNames: ["c"], options: InferenceOptions())
        s.observe(c)
        let r = s.finish()
        #expect(r.report.columns[0].type == "int64" && r.report.columns[0].nullCount == 2)
        let v = try BatchConverter(result: r, fileName: "t.csv").convert(c).batch.columns[0].values
        #expect(v == [.int(5), .null, .null])
    }

    @Test func nullTokensAreNullInTypedColumnsAndTextInStrings() throws {
        let o = options { $0.nullValues = ["NULL", "NA", "N/A", "#N/A"] }
        let (r, v) = try inferAndConvert(["1.5", "NA", "#N/A", nil, "2"], o)
        #expect(r.type == "float64" && r.nullCount == 3)
        #expect(v == [.float(1.5), .null, .null, .null, .float(2)])
        let (s, sv) = try inferAndConvert(["abc", "NA", nil], o)
        #expect(s.type == "string" && s.nullCount == 1)
        #expect(sv == [.string("abc"), .string("NA"), .null])
        // Without the option the token is a value like any other.
        #expect(infer(["1", "NA"]).report.columns[0].fallbackValue == "NA")
    }

    @Test func allNullColumnIsNullableString() throws {
        let (r, v) = try inferAndConvert([nil, nil])
        #expect(r.type == "string" && r.nullCount == 2 && r.fallbackValue == nil)
        #expect(v == [.null, .null])
        #expect(infer([nil]).schema.fields[0].nullable)
    }
}

@Suite struct OverrideTests {
    func twoColumns(_ rows: [[String?]]) -> FieldChunk {
        var c = FieldChunk(columnCount: 2)
        for (i, r) in rows.enumerated() { c.appendRow(r, line: 10 + 2 * i) }
        return c
    }

    @Test func overrideWinsOverInference() throws {
        let o = options { $0.schemaOverrides = ["zip": .string, "n": .int32] }
        var s = InferenceState(columnNames: ["zip", "n"], options: o)
        let c = twoColumns([["12345", "7"], ["02134", "-8"]])
        s.observe(c)
        let r = s.finish()
        #expect(r.schema.fields.map(\.type) == [.string, .int32])
        #expect(r.report.columns[1].reason == "schema override")
        let b = try BatchConverter(result: r, fileName: "zips.csv").convert(c).batch
        #expect(b.row(1) == [.string("02134"), .int(-8)])
    }

    @Test func valueBreakingOverrideIsAnErrorAtFileLineColumn() throws {
        let o = options { $0.schemaOverrides = ["amount": .float64] }
        var s = InferenceState(columnNames: ["id", "amount"], options: o)
        let c = twoColumns([["1", "1.5"], ["2", "12,3x"], ["3", "oops"]])
        s.observe(c)
        let conv = BatchConverter(result: s.finish(), fileName: "orders.csv")
        #expect(throws: ConversionError.self) { try conv.convert(c) }
        do {
            _ = try conv.convert(c)
        } catch let e as ConversionError {
            #expect(e.description == "orders.csv:12:2 (amount): '12,3x' is not a float64")
        }
    }

    @Test func skipAndCollectDropBadRowsAndListThem() throws {
        let o = options { $0.schemaOverrides = ["n": .int8] }
        var s = InferenceState(columnNames: ["name", "n"], options: o)
        let c = twoColumns([["a", "1"], ["b", "300"], ["c", "3"], ["d", "x"]])
        s.observe(c)
        for policy in [RowErrorPolicy.skip, .collect] {
            let out = try BatchConverter(result: s.finish(), fileName: "f.csv", rowErrors: policy).convert(c)
            #expect(out.batch.rowCount == 2)
            #expect(out.batch.columns[0].values == [.string("a"), .string("c")])
            #expect(out.batch.columns[1].values == [.int(1), .int(3)])
            #expect(out.rejected.map(\.line) == [12, 16])
            #expect(out.rejected[0].reason == "f.csv:12:2 (n): '300' is out of range for int8")
            #expect(out.rejected[1].value == "x" && out.rejected[1].column == "n")
        }
    }

    @Test func declaredSchemaConvertsWithoutInference() throws {
        let fields = [Field("ts", .timestamp(unit: .microsecond, utc: false)), Field("amt", .decimal(precision: 10, scale: 2)),
                      Field("d", .date), Field("ok", .boolean)]
        let r = InferenceResult(declared: fields, options: options { $0.nullValues = ["NULL"] })
        var c = FieldChunk(columnCount: 4)
        c.appendRow(["2017-01-18T22:21:04", "12.5", "2025-03-14", "TRUE"], line: 2)
        c.appendRow(["NULL", "-0.07", "3/14/2025", "false"], line: 3)
        let b = try BatchConverter(result: r, fileName: "domo").convert(c).batch
        #expect(b.row(0) == [micros(2017, 1, 18, 22, 21, 4), .decimal(1250), days(2025, 3, 14), .boolean(true)])
        #expect(b.row(1) == [.null, .decimal(-7), days(2025, 3, 14), .boolean(false)])
        var bad = FieldChunk(columnCount: 4)
        bad.appendRow(["2017-01-18T22:21:04+09:00", "1.234", "x", "yes"], line: 7)
        #expect(throws: ConversionError.self) { try BatchConverter(result: r, fileName: "domo").convert(bad) }
        let out = try BatchConverter(result: r, fileName: "domo", rowErrors: .collect).convert(bad)
        #expect(out.rejected.first?.reason == "domo:7:1 (ts): '2017-01-18T22:21:04+09:00' has a UTC offset but the column is a naive timestamp")
    }

    @Test func unknownOverrideIsWarned() {
        let r = infer(["1"], options { $0.schemaOverrides = ["nope": .int64] })
        #expect(r.report.warnings.contains { $0.contains("'nope'") })
    }
}

@Suite struct ReportTests {
    @Test func reportIsCodableAndDescribesColumns() throws {
        var s = InferenceState(columnNames: ["id", "when", "code"], options: InferenceOptions())
        var c = FieldChunk(columnCount: 3)
        c.appendRow(["1", "3/14/2025", "A1"], line: 2)
        c.appendRow(["2", "3/15/2025", "7"], line: 3)
        s.observe(c)
        let report = s.finish().report
        #expect(report.columns.map(\.type) == ["int64", "date", "string"])
        #expect(report.columns[1].format == "MM/DD/YYYY")
        #expect(report.columns[2].fallbackValue == "A1" && report.columns[2].fallbackLine == 2)
        let data = try JSONEncoder().encode(report.columns)
        #expect(try JSONDecoder().decode([ColumnReport].self, from: data) == report.columns)
        #expect(try JSONDecoder().decode(InferenceReport.self, from: JSONEncoder().encode(report)) == report)
        #expect(report.description.contains("when: date, 0 null, MM/DD/YYYY"))
    }
}
