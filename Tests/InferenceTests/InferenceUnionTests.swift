import Columnar
import Delimited
import Foundation
@testable import Inference
import Testing

/// Many files' pass-1 states merged by column name: types from every file's values, columns
/// in order of first appearance, each file converted under the union's types.
@Suite struct InferenceUnionTests {
    func state(_ csv: String) throws -> InferenceState {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("union-\(UUID().uuidString).csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try CSVReader(path: path)
        var s = InferenceState(columnNames: reader.header, options: InferenceOptions())
        while let chunk = try reader.nextChunk() { s.observe(chunk) }
        return s
    }

    @Test func columnsMatchByNameAndWiden() throws {
        var union = InferenceUnion(options: InferenceOptions())
        let first = union.add(try state("id,amount,day\n1,2,2025-01-01\n2,3,2025-01-02\n"))
        #expect(first.map(\.column) == ["id", "amount", "day"] && first.allSatisfy { $0.from == nil })
        let second = union.add(try state("day,extra,amount\n2025-01-03,x,2.5\n"))
        #expect(second.map(\.column) == ["extra", "amount"])
        #expect(second.last?.from == .int64 && second.last?.to == .float64)
        #expect(union.names == ["id", "amount", "day", "extra"])
        #expect(union.type(of: "amount") == .float64)
        #expect(union.type(of: "day") == .date)
        // A file's own columns, in its order, under the union's types.
        let result = union.result(for: ["day", "extra", "amount"])
        #expect(result.schema.fields.map(\.type) == [.date, .string, .float64])
        #expect(union.result(for: ["amount"], declared: ["amount": .string]).schema.fields.map(\.type) == [.string])
    }

    @Test func textDefeatsNumbersAcrossFiles() throws {
        var union = InferenceUnion(options: InferenceOptions())
        union.add(try state("code\n1\n2\n"))
        let change = union.add(try state("code\n007\n"))
        #expect(change.first?.to == .string)
        #expect(change.first?.reason.contains("007") == true)
    }

    @Test func fitsTellsExactConversions() throws {
        var union = InferenceUnion(options: InferenceOptions())
        union.add(try state("a,b,c,d\n1,9007199254740993,1.25,x\n"))
        #expect(union.fits("a", .float64) && union.fits("a", .int64) && union.fits("a", .decimal(precision: 10, scale: 2)))
        #expect(!union.fits("b", .float64) && union.fits("b", .int64))
        #expect(union.fits("c", .float64) && !union.fits("c", .int64) && !union.fits("c", .decimal(precision: 5, scale: 1)))
        #expect(!union.fits("d", .float64) && union.fits("d", .string))
    }
}
