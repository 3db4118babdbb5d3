import Columnar
import Foundation
import Inference
import JSON
import Testing

/// Types from every value of a field, by the CSV rules: integers exact, fractions float64 (or
/// exact decimals), strings as dates or timestamps only when every one is, mixed kinds widen.
@Suite struct TypeInferenceTests {
    func column(_ values: [String], _ edit: (inout JSONOptions) -> Void = { _ in }) throws -> (type: DataType, values: [Value], reason: String) {
        let text = values.map { "{\"v\": \($0)}" }.joined(separator: "\n")
        let r = try load(text, edit)
        let report = r.decision.columns.first { $0.name == "v" }
        return (r.schema.fields[0].type, r.rows.map { $0[0] }, report?.reason ?? "")
    }

    @Test func integersAreExactPastTwoToThe53() throws {
        let c = try column(["9007199254740993", "-9223372036854775808", "1"])
        #expect(c.type == .int64)
        #expect(c.values == [.int(9_007_199_254_740_993), .int(Int64.min), .int(1)])
    }

    @Test func integersPastInt64AreDecimalThenText() throws {
        let big = try column(["9223372036854775808", "1"])
        #expect(big.type == .decimal(precision: 38, scale: 0))
        #expect(big.values == [.decimal(Int128(Int64.max) + 1), .decimal(1)])
        let huge = String(repeating: "9", count: 40)
        let text = try column([huge, "1"])
        #expect(text.type == .string)
        #expect(text.values == [.string(huge), .string("1")], "numbers keep their JSON text")
    }

    @Test func fractionsAreFloatsOrExactDecimals() throws {
        let f = try column(["1", "2.5", "1e3"])
        #expect(f.type == .float64, "int with float gives float64")
        #expect(f.values == [.float(1), .float(2.5), .float(1000)])
        let exact = try column(["1", "2.50", "-0.125"]) { $0.inference.decimals = .exact }
        #expect(exact.type == .decimal(precision: 4, scale: 3))
        #expect(exact.values == [.decimal(1000), .decimal(2500), .decimal(-125)])
    }

    @Test func booleansNullsAndAbsentFields() throws {
        let r = try load("{\"b\": true, \"n\": null}\n{\"b\": false}\n{\"n\": null, \"b\": null}")
        #expect(r.schema.fields.map(\.type) == [.boolean, .string])
        #expect(r.rows == [[.boolean(true), .null], [.boolean(false), .null], [.null, .null]])
        #expect(r.decision.columns.first { $0.name == "n" }?.reason == "every value is null")
    }

    @Test func stringsFollowTheCSVRules() throws {
        let d = try column(["\"2025-01-02\"", "\"2024-12-31\"", "\"\""])
        #expect(d.type == .date)
        #expect(d.values.last == .null, "an empty string is null in a typed column")
        let ts = try column(["\"2025-01-02T03:04:05+09:00\"", "\"2025-01-02T00:00:00Z\""])
        #expect(ts.type == .timestamp(unit: .microsecond, utc: true))
        #expect(ts.values.first == .timestamp(1_735_754_645_000_000), "converted to UTC")
        let ids = try column(["\"007\"", "\"42\""])
        #expect(ids.type == .string && ids.values == [.string("007"), .string("42")], "text that is a number stays text")
        let mixed = try column(["\"2025-01-02\"", "\"soon\""])
        #expect(mixed.type == .string)
        #expect(mixed.reason.contains("'soon'"), "\(mixed.reason)")
    }

    @Test func mixedKindsWidenToTextKeepingJSONText() throws {
        let c = try column(["1", "\"two\"", "true", "{\"a\": [1, 2]}", "null"])
        #expect(c.type == .string)
        #expect(c.values == [.string("1"), .string("two"), .string("true"), .string("{\"a\": [1, 2]}"), .null])
        #expect(c.reason.contains("mixed kinds") && c.reason.contains("record"), "\(c.reason)")
        let r = try load("{\"v\": 1}\n{\"v\": {\"x\": 1}}")
        #expect(r.decision.warnings.contains { $0.contains("field 'v'") && $0.contains("objects") && $0.contains("JSON text") },
                "\(r.decision.warnings)")
    }

    @Test func objectsListsAndMaps() throws {
        let r = try load("""
        {"o": {"a": 1, "b": {"c": "x"}}, "l": [1, 2], "lo": [{"k": 1}, {"k": 2, "z": true}], "ll": [[1], []]}
        {"o": null, "l": [], "lo": [], "ll": null}
        {"l": null}
        """)
        #expect(r.schema.fields.map(\.type.name) == [
            "struct<a:int64,b:struct<c:string>>", "list<int64>", "list<struct<k:int64,z:boolean>>", "list<list<int64>>",
        ])
        #expect(r.rows[0] == [
            .structure([.int(1), .structure([.string("x")])]), .list([.int(1), .int(2)]),
            .list([.structure([.int(1), .null]), .structure([.int(2), .boolean(true)])]), .list([.list([.int(1)]), .list([])]),
        ])
        #expect(r.rows[1] == [.null, .list([]), .list([]), .null])
        #expect(r.rows[2] == [.null, .null, .null, .null], "absent fields are null")

        // Keys that vary from record to record: a map.
        let lines = (0 ..< 200).map { i in "{\"attrs\": {\"k\(i)\": \(i), \"k\(i + 1)\": null}}" }
        let m = try load(lines.joined(separator: "\n"))
        #expect(m.schema.fields[0].type == .map(.string, .int64))
        #expect(m.rows[3][0] == .map([MapEntry(.string("k3"), .int(3)), MapEntry(.string("k4"), .null)]))
    }

    @Test func lateFieldsJoinTheSchemaNullBefore() throws {
        let lines = (0 ..< 50).map { i in i < 30 ? "{\"a\": \(i)}" : "{\"a\": \(i), \"late\": \"v\(i)\"}" }
        let r = try load(lines.joined(separator: "\n")) { $0.blockBytes = 40 }
        #expect(r.schema.fields.map(\.name) == ["a", "late"])
        #expect(r.rows[0] == [.int(0), .null] && r.rows[40] == [.int(40), .string("v40")])
    }

    @Test func declaredNestedTypesWin() throws {
        let r = try load("{\"tags\": [\"a\"], \"attrs\": {\"x\": 1}, \"address\": {\"city\": \"Oslo\", \"zip\": \"0150\"}, \"n\": 5}") {
            $0.inference.schemaOverrides = ["tags": .list(of: .string), "attrs": .map(.string, .int64),
                                            "address": .structure([Field("city", .string), Field("zip", .string)]), "n": .float64]
        }
        #expect(r.schema.fields.map(\.type.name) == ["list<string>", "map<string,int64>", "struct<city:string,zip:string>", "float64"])
        #expect(r.rows[0][3] == .float(5))
        let bad = jsonError("{\"n\": \"x\"}") { $0.inference.schemaOverrides = ["n": .int64] }
        #expect(bad?.description.contains("value \"x\" is not an int64") == true, "\(String(describing: bad))")
    }

    /// A declared or stored date reads slashed dates in the run's date order, as inference does:
    /// 03/04/2024 under DMY is 3 April, in a list too.
    @Test func declaredDatesFollowTheDateOrder() throws {
        let text = "{\"d\": \"03/04/2024\", \"ds\": [\"03/04/2024\"]}"
        for declare in [{ (o: inout JSONOptions) in o.inference.schemaOverrides = ["d": .date, "ds": .list(of: .date)] },
                        { (o: inout JSONOptions) in o.inference.storedTypes = ["d": .date, "ds": .list(of: .date)] }] {
            let r = try load(text) { declare(&$0); $0.inference.dateOrder = .dmy }
            #expect(r.rows[0][0].description == "2024-04-03", "\(r.rows)")
            #expect(r.rows[0][1] == .list([r.rows[0][0]]))
        }
    }

    @Test func flattenNamesFieldsParentChild() throws {
        let r = try load("{\"id\": 1, \"customer\": {\"name\": \"A\", \"address\": {\"city\": \"Oslo\"}}, \"items\": [{\"sku\": \"x\"}]}\n{\"id\": 2, \"customer\": null}") {
            $0.flatten = true
        }
        #expect(r.schema.fields.map(\.name) == ["id", "customer__name", "customer__address__city", "items"])
        #expect(r.schema.fields[3].type == .list(of: .structure([Field("sku", .string)])), "lists stay lists")
        #expect(r.rows[1] == [.int(2), .null, .null, .null])
    }
}
