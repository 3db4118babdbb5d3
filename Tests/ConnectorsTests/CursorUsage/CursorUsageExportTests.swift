import Columnar
import Testing
@testable import Connectors

@Suite struct CursorUsageExportTests {
    @Test func dollarsFromEveryCostSpelling() {
        #expect(CursorUsageExport.dollars("0.12") == 0.12)
        #expect(CursorUsageExport.dollars("$0.01") == 0.01)
        #expect(CursorUsageExport.dollars(" 1.5 ") == 1.5)
        #expect(CursorUsageExport.dollars("Included") == nil)
        #expect(CursorUsageExport.dollars("Free") == nil)
        #expect(CursorUsageExport.dollars("-") == nil)
        #expect(CursorUsageExport.dollars("") == nil)
        #expect(CursorUsageExport.dollars("nan") == nil)
    }

    @Test func matchesHeadersOfEveryVintage() throws {
        let newer = ["Date", "User", "Cloud Agent ID", "Automation ID", "Kind", "Model", "Max Mode",
                     "Input (w/ Cache Write)", "Input (w/o Cache Write)", "Cache Read", "Output Tokens", "Total Tokens", "Cost"]
        let older = ["Date", "Kind", "Model", "Max Mode", "Input (w/ Cache Write)", "Input (w/o Cache Write)",
                     "Cache Read", "Output", "Total Tokens", "Requests"]
        #expect(try CursorUsageExport.match(header: newer).count == newer.count)
        let m = try CursorUsageExport.match(header: older)
        #expect(m["Output"] == "output_tokens")
        #expect(m["Requests"] == "requests")
        #expect(m["User"] == nil)
        #expect(throws: CursorUsageError.self) { try CursorUsageExport.match(header: ["When", "Kind"]) }
    }

    @Test func transformFillsMissingColumnsAndDerivesCost() throws {
        let schema = Schema([Field("Date", .timestamp(unit: .microsecond, utc: true)), Field("Kind", .string), Field("Cost", .string)])
        let batch = try RecordBatch(schema: schema, columns: [
            Column(type: schema.fields[0].type, values: [.timestamp(1), .timestamp(2), .timestamp(3), .timestamp(4)]),
            Column(type: .string, values: [.string("Usage-based"), .string("Errored, No Charge"), .string("Included"), .string("Usage-based")]),
            Column(type: .string, values: [.string("0.12"), .string("-"), .string("Included"), .string("$0.01")]),
        ])
        let out = try CursorUsageTransform().apply(batch)
        #expect(out.schema == CursorUsageExport.schema)
        #expect(out.column(named: "kind")?.values == batch.columns[1].values)
        #expect(out.column(named: "user")?.nullCount == 4)
        #expect(out.column(named: "cost_usd")?.values == [.float(0.12), .null, .null, .float(0.01)])
    }
}
