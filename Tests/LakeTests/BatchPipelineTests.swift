import Columnar
import Testing

@Suite("Batch pipeline transforms")
struct BatchPipelineTests {
    static let schema = Schema([Field("kind", .string), Field("n", .int64), Field("at", .timestamp(unit: .microsecond, utc: true)),
                                Field("price", .decimal(precision: 6, scale: 2))])
    static func batch() throws -> RecordBatch {
        try RecordBatch(schema: schema, columns: [
            Column(type: .string, values: [.string("Included"), .string("Errored, No Charge"), .null, .string("Included")]),
            Column(type: .int64, values: [.int(1), .int(2), .int(3), .int(4)]),
            Column(type: .timestamp(unit: .microsecond, utc: true), values: [.timestamp(0), .timestamp(1_000_000), .null, .timestamp(0)]),
            Column(type: .decimal(precision: 6, scale: 2), values: [.decimal(150), .decimal(-5), .decimal(150), .null]),
        ])
    }

    @Test func keepRowsComparesTextForms() throws {
        let b = try Self.batch()
        #expect(try KeepRowsWhereEquals(column: "kind", value: "Included").apply(b).column(named: "n")!.values == [.int(1), .int(4)])
        #expect(try KeepRowsWhereEquals(column: "kind", value: "Errored, No Charge").apply(b).rowCount == 1)
        #expect(try KeepRowsWhereEquals(column: "n", value: "3").apply(b).column(named: "n")!.values == [.int(3)])
        #expect(try KeepRowsWhereEquals(column: "at", value: "1970-01-01 00:00:01Z").apply(b).column(named: "n")!.values == [.int(2)])
        #expect(try KeepRowsWhereEquals(column: "price", value: "1.50").apply(b).column(named: "n")!.values == [.int(1), .int(3)])
        #expect(try KeepRowsWhereEquals(column: "kind", value: "").apply(b).rowCount == 0) // nulls never match
    }

    @Test func missingColumnsAreNamed() throws {
        #expect(throws: TransformError.self) { try KeepRowsWhereEquals(column: "Kind", value: "x").outputSchema(Self.schema) }
        do { _ = try RenameColumns(["nope": "x"]).outputSchema(Self.schema); Issue.record("expected error") } catch {
            #expect("\(error)".contains("no column named 'nope'"))
        }
        #expect(throws: TransformError.self) { try RenameColumns(["n": "kind"]).outputSchema(Self.schema) }
    }

    @Test func renameAndDerive() throws {
        let derive = DeriveColumn(name: "double", type: .int64) { b in
            try Column(type: .int64, values: b.column(named: "number")!.values.map { if case let .int(i) = $0 { return .int(i * 2) }; return .null })
        }
        let src = ArrayBatchSource(schema: Self.schema, batches: [try Self.batch(), try Self.batch()])
        var t = try TransformedSource(src, transforms: [RenameColumns(["n": "number"]), KeepRowsWhereEquals(column: "kind", value: "Included"), derive])
        #expect(t.schema.fields.map(\.name) == ["kind", "number", "at", "price", "double"])
        var rows: [[Value]] = []
        while let b = try t.next() { #expect(b.schema == t.schema); rows += (0 ..< b.rowCount).map { b.row($0) } }
        #expect(rows.map { $0[4] } == [.int(2), .int(8), .int(2), .int(8)])
        #expect(t.rowsIn == 8)
        #expect(t.rowsOut == 4)
        // A derived column of the wrong type is refused with its name.
        let bad = DeriveColumn(name: "x", type: .string) { b in b.columns[1] }
        do { _ = try bad.apply(try Self.batch()); Issue.record("expected error") } catch {
            #expect("\(error)" == "derived column 'x': expected string, computed int64")
        }
    }

    @Test func batchesEmptiedByAFilterAreSkipped() throws {
        let src = ArrayBatchSource(schema: Self.schema, batches: [try Self.batch(), try Self.batch()])
        var t = try TransformedSource(src, transforms: [KeepRowsWhereEquals(column: "kind", value: "absent")])
        #expect(try t.next() == nil)
        #expect(t.rowsIn == 8)
    }
}
